// FileHandle: a thin owner of a POSIX file descriptor with the few calls the log needs (Glibc, no Foundation).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file descriptor; closed when the handle is released. Not thread-safe: each owner uses it from one thread.
final class FileHandle {
    let path: String
    private(set) var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Opens `path` for reading.
    static func openForReading(_ path: String) throws(TraceLogError) -> FileHandle {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TraceLogError.cannotOpen(path: path, errno: errno) }
        return FileHandle(path: path, descriptor: descriptor)
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

    /// Reads up to `count` bytes at `offset` into `buffer` starting at `index`; returns the bytes read (0 at end).
    func read(into buffer: inout [UInt8], at index: Int, count: Int, offset: Int64) -> Int {
        buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var total = 0
            while total < count {
                let result = pread(descriptor, base + index + total, count - total, off_t(offset) + off_t(total))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else { break }
                total += result
            }
            return total
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
