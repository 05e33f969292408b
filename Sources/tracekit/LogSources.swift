// LogSources: the logs a command is given (a LogSet), and the copies of streams that commands read twice.

import TraceLog

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The logs behind the paths a command is given, found before anything is read (a `LogSet`), and the inputs left
/// out, as the errors the command reports.
struct LogSources {
    /// The files to read, in the order of the paths (a directory's files sorted by name).
    var logs: LogSet
    /// The inputs that cannot be read, are empty, or (streams) cannot be copied, with why, in the order of the paths.
    var problems: [CLIError]

    /// Looks at every path without reading a log (`LogSet(paths:)`): a directory stands for its `.tklog` files;
    /// anything that is neither a regular file nor a directory (a pipe, a FIFO, `/dev/stdin`) is a stream.
    init(_ paths: [String]) {
        logs = LogSet(paths: paths)
        problems = logs.problems.map(CLIError.init)
    }

    /// The given files, for example those a first pass read.
    init(files: [LogSet.File]) {
        logs = LogSet(files: files)
        problems = []
    }

    /// The files to read.
    var files: [LogSet.File] { logs.files }

    /// These sources with every stream copied to a temporary file, which commands that read their input twice
    /// (`tree`, `report`) can read again; a stream that cannot be copied becomes a problem.
    func spoolingStreams() -> LogSources {
        var result = self
        result.logs.files = []
        for file in files {
            guard file.isStream else {
                result.logs.files.append(file)
                continue
            }
            do {
                let spool = try SpooledStream(copying: file.openPath, reportedAs: file.path)
                result.logs.files.append(
                    LogSet.File(path: file.path, copyAt: spool.path, sizeBytes: spool.sizeBytes, keepingAlive: spool))
            } catch {
                result.problems.append(error)
            }
        }
        return result
    }
}

/// A stream copied to a temporary file that is unlinked at once: it is deleted when closed, also if the process
/// is killed, and read again through `/proc/self/fd/N` while open.
///
/// Sendable: its properties never change, and the descriptor is only closed when the last reference goes.
final class SpooledStream: Sendable {
    private let descriptor: Int32
    /// The path that opens the copy.
    let path: String
    /// The bytes copied.
    let sizeBytes: Int64

    /// Copies everything `source` gives until its end into a new temporary file in `$TMPDIR` (or `/tmp`). Once the
    /// copy is longer than a reader searches for a first block (`LogReader.firstBlockSearchBytes`), it must hold
    /// one: an endless stream that is no log (`/dev/zero`) is not copied until the disk is full.
    ///
    /// - Throws: `CLIError.cannotRead` when the stream fails, `.notATraceLog` when it holds no block where one must
    ///   be, `.cannotWrite` when the copy fails (a full disk).
    init(copying source: String, reportedAs name: String) throws(CLIError) {
        let directory = Self.temporaryDirectory()
        var template = Array((directory + "/tracekit-stream-XXXXXX").utf8CString)
        let copy = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard copy >= 0 else { throw .cannotWrite(path: directory, reason: Self.copyFailure(errno, name)) }
        template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
        _ = fcntl(copy, F_SETFD, FD_CLOEXEC)
        do throws(CLIError) {
            sizeBytes = try Self.fill(copy, from: source, reportedAs: name, directory: directory)
        } catch {
            close(copy)
            throw error
        }
        descriptor = copy
        path = Self.path(copy)
    }

    /// Copies `source` to the descriptor `copy`; returns the bytes copied.
    private static func fill(_ copy: Int32, from source: String, reportedAs name: String, directory: String)
        throws(CLIError) -> Int64
    {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .cannotRead(path: name, reason: SystemError.message(errno)) }
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var total: Int64 = 0
        var checked = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    var waiting = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                    _ = poll(&waiting, 1, -1)
                    continue
                }
                throw .cannotRead(path: name, reason: SystemError.message(code))
            }
            if count == 0 { return total }
            let failure = buffer.withUnsafeBytes { raw in
                PosixWrite.all(UnsafeRawBufferPointer(rebasing: raw[0..<count]), to: copy)
            }
            if let failure { throw .cannotWrite(path: directory, reason: copyFailure(failure, name)) }
            total += Int64(count)
            // Past the search bound and a block's length, a first block would be complete in the copy.
            if !checked, total > LogReader.firstBlockSearchBytes + 2 * 65_536 {
                checked = true
                try checkHoldsABlock(path(copy), reportedAs: name)
            }
        }
    }

    private static func path(_ descriptor: Int32) -> String { "/proc/self/fd/\(descriptor)" }

    private static func copyFailure(_ code: Int32, _ name: String) -> String {
        SystemError.message(code) + " (copying \(name), which is read twice, to a temporary file)"
    }

    deinit { close(descriptor) }

    /// Throws unless the log at `path` yields something other than damage before the reader gives up.
    private static func checkHoldsABlock(_ path: String, reportedAs name: String) throws(CLIError) {
        let reader: LogReader
        do {
            reader = try LogReader(path: path, readAhead: false)
        } catch {
            throw .reading(name, error)
        }
        var first: LogDamage?
        while let entry = reader.next() {
            guard case .damage(let damage) = entry else { return }
            if first == nil { first = damage }
        }
        let reason = first.map { "no readable block (at offset \($0.offset): \($0.reason))" }
        throw .notATraceLog(path: name, reason: reason ?? "no readable block")
    }

    private static func temporaryDirectory() -> String {
        guard let value = getenv("TMPDIR") else { return "/tmp" }
        let directory = String(cString: value)
        return directory.isEmpty ? "/tmp" : (directory.hasSuffix("/") ? String(directory.dropLast()) : directory)
    }
}
