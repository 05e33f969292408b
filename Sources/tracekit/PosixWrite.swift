// PosixWrite: write(2) of a whole buffer to a descriptor, through interrupts and non-blocking descriptors.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum PosixWrite {
    /// Writes every byte of `bytes` to `descriptor`; returns the errno of the failure that stopped it, or `nil`.
    ///
    /// Retries after `EINTR`, and waits in `poll` after `EAGAIN`: a pipe a parent process made non-blocking (as
    /// Node and some CI runners do) fills up without anything being wrong.
    static func all(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK {
                    var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&waiting, 1, -1)
                    continue
                }
                return code
            }
            offset += written
        }
        return nil
    }

    /// `all(_:to:)` for the UTF-8 bytes of `text`.
    static func all(_ text: String, to descriptor: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { all(UnsafeRawBufferPointer($0), to: descriptor) }
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(descriptor, buffer, count)
        #elseif canImport(Musl)
            Musl.write(descriptor, buffer, count)
        #else
            Darwin.write(descriptor, buffer, count)
        #endif
    }

    /// Points descriptors 0, 1 and 2 at `/dev/null` when they are closed (`tracekit demo >&-`), before anything
    /// opens a file: otherwise the first file opened (a log being written) would get number 1, and the results
    /// meant for stdout would be written into it.
    static func guardStandardDescriptors() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) < 0 {
            // Read-only on purpose: a write to a stream the caller closed fails (EBADF) instead of vanishing.
            let placeholder = open("/dev/null", O_RDONLY)
            if placeholder >= 0, placeholder != descriptor {
                dup2(placeholder, descriptor)
                close(placeholder)
            }
        }
    }
}
