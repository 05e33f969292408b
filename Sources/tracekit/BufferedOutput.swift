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

    /// Writes what is buffered (see `StandardOutput` for what a failure does).
    mutating func flush() {
        StandardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
