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
        if count > 32 { return try readWide(bits: count) }
        if available < count { try refill(toAtLeast: count) }
        let value = accumulator & ((1 << UInt64(count)) &- 1)
        accumulator >>= UInt64(count)
        available -= count
        return value
    }

    /// More than 32 bits: two reads, so one refill always has room for either half.
    private mutating func readWide(bits count: Int) throws(PayloadError) -> UInt64 {
        let low = try read(bits: 32)
        return low | (try read(bits: count - 32)) << 32
    }

    /// Tops the accumulator up to at least `count` bits (at most 32 are asked for): whole bytes from one 8-byte
    /// load where the column has 8 bytes left, else byte by byte up to its end.
    @inline(__always)
    private mutating func refill(toAtLeast count: Int) throws(PayloadError) {
        if end - position >= 8 {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let taken = (63 - available) >> 3
            accumulator |= (word & ((1 << UInt64(taken * 8)) &- 1)) << UInt64(available)
            position += taken
            available += taken * 8
            return
        }
        while available < count {
            guard position < end else { throw PayloadError(position: position, reason: "bit stream cut short") }
            accumulator |= UInt64(bytes[position]) << UInt64(available)
            position += 1
            available += 8
        }
    }
}
