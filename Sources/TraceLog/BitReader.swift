// BitReader: reads the bit fields BitWriter packs, never past the end of its column.

/// Reads bit fields least significant bit first; reading past the end throws.
struct BitReader {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private var accumulator: UInt64 = 0
    private var available = 0

    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = min(end, bytes.count)
    }

    /// The next `count` bits (0...64) as a number.
    @inline(__always)
    mutating func read(bits count: Int) throws(PayloadError) -> UInt64 {
        if count > 32 {
            let low = try read(bits: 32)
            return low | (try read(bits: count - 32)) << 32
        }
        while available < count {
            guard position < end else { throw PayloadError(position: position, reason: "bit stream cut short") }
            accumulator |= UInt64(bytes[position]) << UInt64(available)
            position += 1
            available += 8
        }
        let value = accumulator & ((1 << UInt64(count)) &- 1)
        accumulator >>= UInt64(count)
        available -= count
        return value
    }
}
