// OutputFile: writes a command's result to a file (atomically when it is a regular file) or to stdout.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum OutputFile {
    /// Writes `bytes` to `path`, or to stdout when `path` is nil or "-".
    ///
    /// - A regular file (or a new one) is replaced atomically: the bytes go to a temporary file in the same
    ///   directory, which is renamed over it only once every byte is written, so a full disk leaves the old file
    ///   as it was and no partial one behind.
    /// - A symbolic link is followed: its target is written, the link stays.
    /// - Anything else that exists (a device such as `/dev/null` or `/dev/stdout`, a FIFO) is opened and written
    ///   in place: renaming over it would replace, for example, `/dev/null` with a regular file.
    ///
    /// - Throws: `CLIError.cannotWrite` with the system's reason (for example "No space left on device").
    static func write(_ bytes: [UInt8], to path: String?) throws(CLIError) {
        guard let path, path != "-" else {
            StandardOutput.write(bytes)
            return
        }
        let target = resolvingLinks(path)
        var info = stat()
        if stat(target, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            try writeInPlace(bytes, to: target, reportedAs: path)
        } else {
            try replaceAtomically(target, with: bytes, reportedAs: path)
        }
    }

    /// `path` with symbolic links followed as far as they lead (a dangling link gives the path it points to).
    private static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length > 0 else { return current }
            let link = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + link
            } else {
                current = link
            }
        }
        return current
    }

    private static func writeInPlace(_ bytes: [UInt8], to target: String, reportedAs path: String) throws(CLIError) {
        let descriptor = open(target, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: SystemError.message(errno)) }
        defer { close(descriptor) }
        if let code = writeAll(bytes, to: descriptor) {
            throw .cannotWrite(path: path, reason: SystemError.message(code))
        }
    }

    private static func replaceAtomically(
        _ target: String, with bytes: [UInt8], reportedAs path: String
    ) throws(CLIError) {
        let slash = target.lastIndex(of: "/")
        let directory = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        let temporary = directory + ".\(name).tracekit-\(getpid())-\(UInt32.random(in: 0 ... .max)).tmp"
        // 0666 less the umask, as any new file would get.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: SystemError.message(errno)) }
        var failure = writeAll(bytes, to: descriptor)
        if close(descriptor) != 0, failure == nil { failure = errno }
        if failure == nil, rename(temporary, target) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: SystemError.message(failure))
        }
    }

    /// Writes every byte; returns the errno of the first failure, `nil` when all went out.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
        bytes.withUnsafeBytes { raw -> Int32? in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let written = posixWrite(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}
