// PayloadReader: reads varints and fixed-width values from a block payload, never past its end.

/// A cursor over a block payload; every read checks bounds and throws `PayloadError` instead of trapping.
struct PayloadReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    mutating func readByte() throws(PayloadError) -> UInt8 {
        guard position < end else { throw PayloadError(position: position, reason: "record cut short") }
        let value = bytes[position]
        position += 1
        return value
    }

    @inline(__always)
    mutating func readVarint() throws(PayloadError) -> UInt64 {
        if position < end {
            let first = bytes[position]
            if first < 0x80 {
                position += 1
                return UInt64(first)
            }
        }
        return try readLongVarint()
    }

    private mutating func readLongVarint() throws(PayloadError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw PayloadError(position: position, reason: "varint cut short") }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw PayloadError(position: position - 1, reason: "varint longer than 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readSigned() throws(PayloadError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads a zigzag delta and applies it to `reference` with wrapping arithmetic.
    mutating func readDelta(from reference: UInt64) throws(PayloadError) -> UInt64 {
        reference &+ UInt64(bitPattern: try readSigned())
    }

    mutating func readFixed64() throws(PayloadError) -> UInt64 {
        guard remaining >= 8 else { throw PayloadError(position: position, reason: "fixed64 cut short") }
        var value: UInt64 = 0
        for index in 0..<8 {
            value |= UInt64(bytes[position + index]) << (8 * UInt64(index))
        }
        position += 8
        return value
    }

    /// A count of items that each take at least one byte; bounded by what is left, so it cannot force a huge
    /// allocation.
    mutating func readCount() throws(PayloadError) -> Int {
        let value = try readVarint()
        guard value <= UInt64(remaining) else {
            throw PayloadError(position: position, reason: "count \(value) exceeds the \(remaining) bytes left")
        }
        return Int(value)
    }

    mutating func readString(length: Int) throws(PayloadError) -> String {
        guard length <= remaining else { throw PayloadError(position: position, reason: "string cut short") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        position += length
        return String(decoding: slice, as: UTF8.self)
    }

    mutating func skip(_ count: Int) throws(PayloadError) {
        guard count <= remaining else { throw PayloadError(position: position, reason: "record cut short") }
        position += count
    }
}

/// A malformed payload: where in the payload, and what was wrong.
struct PayloadError: Error, Hashable {
    var position: Int
    var reason: String
}
