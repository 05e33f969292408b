// BufferedOutput: stdout written in 64 KiB chunks, so printing a million spans is not a million writes.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Collects lines and writes them to stdout in large chunks.
struct BufferedOutput {
    private var buffer: [UInt8] = []
    private let chunkBytes = 1 << 16

    mutating func writeLine(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= chunkBytes { flush() }
    }

    /// Writes what is buffered. A closed pipe (`tracekit replay log | head`) ends the process quietly, as
    /// SIGPIPE would for any Unix tool.
    mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                write(1, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                exit(0)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
