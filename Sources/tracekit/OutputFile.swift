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
    /// - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N` write to that descriptor, as a shell
    ///   redirection left it (appending with `>>`, after what came before).
    /// - A regular file is replaced atomically: the bytes go to a temporary file in the same directory, synced,
    ///   then renamed over it with its permission bits, so a full disk or a crash leaves the old file as it was and
    ///   no partial one behind. A symbolic link is followed: its target is replaced, the link stays.
    /// - Anything else that exists (a device such as `/dev/null`, a FIFO) is opened and written in place: renaming
    ///   over it would replace, for example, `/dev/null` with a regular file. A FIFO waits for its reader, as a
    ///   shell redirection does.
    ///
    /// - Throws: `CLIError.cannotWrite` with the system's reason (for example "No space left on device").
    static func write(_ bytes: [UInt8], to path: String?) throws(CLIError) {
        guard let path, path != "-" else {
            StandardOutput.write(bytes)
            return
        }
        if let descriptor = Self.standardDescriptor(path) {
            if descriptor == 1 {
                StandardOutput.write(bytes)
            } else if let code = bytes.withUnsafeBytes({ PosixWrite.all($0, to: descriptor) }) {
                throw .cannotWrite(path: path, reason: SystemError.message(code))
            }
            return
        }
        var info = stat()
        if stat(path, &info) == 0 {
            if info.st_mode & S_IFMT != S_IFREG {
                try writeInPlace(bytes, to: path)
                return
            }
            guard let resolved = realpath(path, nil) else { throw .cannotWrite(path: path, reason: errnoText()) }
            let target = String(cString: resolved)
            free(resolved)
            try replaceAtomically(target, with: bytes, mode: info.st_mode & 0o7777, reportedAs: path)
            return
        }
        guard errno == ENOENT else { throw .cannotWrite(path: path, reason: errnoText()) }
        // Nothing there yet: a new file, or one a dangling link names.
        try replaceAtomically(try danglingTarget(of: path), with: bytes, mode: nil, reportedAs: path)
    }

    /// The descriptor a name like `/dev/stdout` or `/dev/fd/3` stands for.
    private static func standardDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    /// Where a path that does not exist would be created: the end of its chain of links, if it is a link.
    private static func danglingTarget(of path: String) throws(CLIError) -> String {
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
        throw .cannotWrite(path: path, reason: SystemError.message(ELOOP))
    }

    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(CLIError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: errnoText()) }
        defer { close(descriptor) }
        if let code = bytes.withUnsafeBytes({ PosixWrite.all($0, to: descriptor) }) {
            throw .cannotWrite(path: path, reason: SystemError.message(code))
        }
    }

    private static func replaceAtomically(
        _ target: String, with bytes: [UInt8], mode: mode_t?, reportedAs path: String
    ) throws(CLIError) {
        let directory = target.lastIndex(of: "/").map { String(target[...$0]) } ?? ""
        var temporary = ""
        var descriptor: Int32 = -1
        for _ in 0..<8 where descriptor < 0 {
            // Short, whatever the target's name: a long name must not make the temporary one too long.
            temporary = directory + ".tracekit-\(getpid())-\(UInt32.random(in: 0 ... .max)).tmp"
            // 0666 less the umask, as any new file would get; an existing file's bits are put back below.
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor < 0, errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: errnoText()) }
        var failure = bytes.withUnsafeBytes { PosixWrite.all($0, to: descriptor) }
        if failure == nil, let mode, fchmod(descriptor, mode) != 0 { failure = errno }
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if failure == nil, rename(temporary, target) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: SystemError.message(failure))
        }
    }

    private static func errnoText() -> String { SystemError.message(errno) }
}
