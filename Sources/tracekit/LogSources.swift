// LogSource: the logs a command is given, each a regular file or a stream (pipe, FIFO, /dev/stdin) read once.

import TraceLog

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One log file to read, named on the command line or found in a directory.
struct LogSource {
    /// The path as given (or as found in a directory): what messages name.
    let path: String
    /// The size of a regular file (or of a stream's spooled copy) when it was looked at; `nil` for a stream (a pipe,
    /// a FIFO, `/dev/stdin`, a device), whose size is known only once it has been read.
    let sizeBytes: Int64?
    /// What to open: `path`, or the spooled copy of a stream.
    let openPath: String
    /// Keeps a spooled copy open, and so on disk, while the source is in use.
    private let spool: SpooledStream?

    init(path: String, sizeBytes: Int64?) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.openPath = path
        self.spool = nil
    }

    private init(path: String, spool: SpooledStream) {
        self.path = path
        self.sizeBytes = spool.sizeBytes
        self.openPath = spool.path
        self.spool = spool
    }

    /// Whether the source is read once, from its start, in order (its size unknown).
    var isStream: Bool { sizeBytes == nil }

    /// This source, or for a stream a copy of it in a temporary file, which commands that read their input twice
    /// (`tree`, `report`) can read again.
    func spooled() throws(CLIError) -> LogSource {
        guard isStream else { return self }
        return LogSource(path: path, spool: try SpooledStream(copying: openPath, reportedAs: path))
    }
}

/// The logs behind the paths a command is given, found before anything is read.
struct LogSources {
    /// The files to read, in the order of the paths (a directory's files sorted by name).
    var sources: [LogSource] = []
    /// The inputs that cannot be read or are empty, with why, in the order of the paths.
    var problems: [CLIError] = []

    /// Looks at every path (following symbolic links) without reading a log: a directory stands for its `.tklog`
    /// files (rotated ones included); a missing or unreadable path (`ENOENT`, `ELOOP`, `EACCES`...), a directory
    /// without `.tklog` files and an empty regular file are problems. Anything that is neither a regular file nor
    /// a directory (a pipe, a FIFO, `/dev/stdin`, a character device) is a stream.
    init(_ paths: [String]) {
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                problems.append(.cannotRead(path: path, reason: SystemError.message(errno)))
                continue
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                add(path, info)
                continue
            }
            let found: [String]
            do {
                found = try LogRotation.listLogFiles(inDirectory: path)
            } catch {
                problems.append(.reading(path, error))
                continue
            }
            if found.isEmpty {
                problems.append(.notATraceLog(path: path, reason: "the directory holds no .tklog files"))
            }
            for file in found {
                var fileInfo = stat()
                if stat(file, &fileInfo) == 0 {
                    add(file, fileInfo)
                } else {
                    problems.append(.cannotRead(path: file, reason: SystemError.message(errno)))
                }
            }
        }
    }

    /// The given sources, for example those a first pass read.
    init(sources: [LogSource]) {
        self.sources = sources
    }

    private mutating func add(_ path: String, _ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if info.st_size == 0 {
                problems.append(.notATraceLog(path: path, reason: "the file is empty"))
            } else {
                sources.append(LogSource(path: path, sizeBytes: Int64(info.st_size)))
            }
        case S_IFDIR:
            problems.append(.cannotRead(path: path, reason: SystemError.message(EISDIR)))
        default:
            sources.append(LogSource(path: path, sizeBytes: nil))
        }
    }

    /// These sources with every stream copied to a temporary file (see `LogSource.spooled()`); a stream that
    /// cannot be copied becomes a problem.
    func spoolingStreams() -> LogSources {
        var result = LogSources(sources: [])
        result.problems = problems
        for source in sources {
            do {
                result.sources.append(try source.spooled())
            } catch {
                result.problems.append(error)
            }
        }
        return result
    }

    /// The sum of the known sizes, and whether every size is known (no stream).
    var totalBytes: (bytes: Int64, isComplete: Bool) {
        (sources.reduce(0) { $0 + ($1.sizeBytes ?? 0) }, sources.allSatisfy { !$0.isStream })
    }
}

/// A stream copied to a temporary file that is unlinked at once: it is deleted when closed, also if the process
/// is killed, and read again through `/proc/self/fd/N` while open.
final class SpooledStream {
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
