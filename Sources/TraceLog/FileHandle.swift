// FileHandle: a thin owner of a POSIX file descriptor with the few calls the log needs (Glibc, no Foundation).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file descriptor; closed when the handle is released. Not thread-safe: each owner uses it from one thread.
///
/// A regular file (or block device) is read at any offset. Anything else opened for reading (a pipe, a FIFO,
/// `/dev/stdin`, a terminal, a character device) is a stream: read once, in order, from its start.
final class FileHandle {
    let path: String
    private(set) var descriptor: Int32
    /// Whether `read` may go back to an earlier offset (`pread`); `false` for a stream.
    let isSeekable: Bool
    /// For a stream, how many bytes have been read from it.
    private var streamPosition: Int64 = 0

    private init(path: String, descriptor: Int32, isSeekable: Bool = true) {
        self.path = path
        self.descriptor = descriptor
        self.isSeekable = isSeekable
    }

    deinit { close() }

    /// Opens `path` for reading.
    /// Opens `path` for reading; a FIFO waits for its writer, as `cat` does.
    static func openForReading(_ path: String) throws(TraceLogError) -> FileHandle {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TraceLogError.cannotOpen(path: path, errno: errno) }
        var info = stat()
        let type = fstat(descriptor, &info) == 0 ? info.st_mode & S_IFMT : 0
        return FileHandle(path: path, descriptor: descriptor, isSeekable: type == S_IFREG || type == S_IFBLK)
    }

    /// Opens `path` for reading and writing; with `create`, creates it (mode 0644) if missing.
    static func openForWriting(_ path: String, create: Bool) throws(TraceLogError) -> FileHandle {
        let descriptor = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0o644)
        guard descriptor >= 0 else { throw TraceLogError.cannotOpen(path: path, errno: errno) }
        return FileHandle(path: path, descriptor: descriptor)
    }

    /// Whether something exists at `path` (following links).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    func close() {
        if descriptor >= 0 {
            _ = Glibc.close(descriptor)
            descriptor = -1
        }
    }

    /// The file's current size, or `nil` if `fstat` fails.
    var size: Int64? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// The file's device and inode, to notice when a followed path was rotated to a new file.
    var identity: FileIdentity? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    static func identity(ofPath path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Reads at least `minimum` bytes (all `count` when `nil`) and at most `count`, from `offset` of the file into
    /// `buffer` starting at `index`; fewer only at the end of the file or on a read error. Returns the bytes read.
    ///
    /// A stream is read in order: bytes before `offset` that were not read yet are read and dropped, and an
    /// `offset` before the bytes already read gives nothing (they are gone).
    func read(into buffer: inout [UInt8], at index: Int, count: Int, offset: Int64, minimum: Int? = nil) -> Int {
        let minimum = Swift.min(count, minimum ?? count)
        if !isSeekable {
            guard offset >= streamPosition, skipStream(to: offset) else { return 0 }
        }
        return buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var total = 0
            while total < minimum {
                let result =
                    isSeekable
                    ? pread(descriptor, base + index + total, count - total, off_t(offset) + off_t(total))
                    : Glibc.read(descriptor, base + index + total, count - total)
                if result < 0 && errno == EINTR { continue }
                if result < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), waitUntilReadable() { continue }
                guard result > 0 else { break }
                total += result
            }
            if !isSeekable { streamPosition += Int64(total) }
            return total
        }
    }

    /// Reads and drops a stream's bytes up to `offset`; false when the stream ended before it.
    private func skipStream(to offset: Int64) -> Bool {
        guard offset > streamPosition else { return true }
        var scratch = [UInt8](repeating: 0, count: Int(Swift.min(offset - streamPosition, 65_536)))
        while streamPosition < offset {
            let chunk = Int(Swift.min(offset - streamPosition, Int64(scratch.count)))
            if read(into: &scratch, at: 0, count: chunk, offset: streamPosition) < chunk { return false }
        }
        return true
    }

    /// Waits for a non-blocking descriptor (a stdin inherited in that mode) to have bytes; false if `poll` fails.
    private func waitUntilReadable() -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let result = poll(&request, 1, -1)
            if result >= 0 { return true }
            if errno != EINTR { return false }
        }
    }

    /// Writes all of `bytes` at `offset`; returns 0 or the errno of the failure.
    func write(_ bytes: [UInt8], at offset: Int64) -> Int32 {
        bytes.withUnsafeBytes { raw -> Int32 in
            guard let base = raw.baseAddress else { return 0 }
            var written = 0
            while written < raw.count {
                let result = pwrite(descriptor, base + written, raw.count - written, off_t(offset) + off_t(written))
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if result == 0 { return EIO }
                written += result
            }
            return 0
        }
    }

    /// Flushes the file to stable storage; returns 0 or errno.
    func sync() -> Int32 {
        fsync(descriptor) == 0 ? 0 : errno
    }

    /// Cuts the file to `size` bytes; returns 0 or errno.
    func truncate(to size: Int64) -> Int32 {
        ftruncate(descriptor, off_t(size)) == 0 ? 0 : errno
    }
}

/// Device and inode of a file.
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
}
