// PayloadWriter: appends varints, zigzag integers and fixed-width values to a block payload.

/// A growable byte buffer with the primitive encodings of the log format.
struct PayloadWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func removeLast(from count: Int) {
        bytes.removeSubrange(count...)
    }

    mutating func appendByte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Unsigned LEB128.
    mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: remaining))
    }

    /// Zigzag then LEB128, so small negative numbers stay small.
    mutating func appendSigned(_ value: Int64) {
        appendVarint(UInt64(bitPattern: (value &<< 1) ^ (value >> 63)))
    }

    /// The wrapping difference `value - reference` as a zigzag varint.
    mutating func appendDelta(_ value: UInt64, from reference: UInt64) {
        appendSigned(Int64(bitPattern: value &- reference))
    }

    mutating func appendFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func appendBytes(_ other: some Collection<UInt8>) {
        bytes.append(contentsOf: other)
    }

    /// The number of bytes `appendVarint(value)` writes.
    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var remaining = value >> 7
        while remaining != 0 {
            size += 1
            remaining >>= 7
        }
        return size
    }
}
