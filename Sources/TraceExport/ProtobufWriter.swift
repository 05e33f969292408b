// ProtobufWriter: the protobuf wire format, written straight into one byte array (no message objects).

/// Appends protobuf fields to `bytes`. A nested message is written in place: its length is patched in after its
/// body, moving the body only when the length needs more than one varint byte.
struct ProtobufWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    enum WireType: UInt32 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    @inline(__always)
    mutating func tag(_ field: UInt32, _ wireType: WireType) {
        varint(UInt64(field << 3 | wireType.rawValue))
    }

    /// An `int64`, `uint32` or enum field (negative numbers take ten bytes, as protobuf specifies).
    mutating func varintField(_ field: UInt32, _ value: UInt64) {
        tag(field, .varint)
        varint(value)
    }

    mutating func boolField(_ field: UInt32, _ value: Bool) {
        tag(field, .varint)
        bytes.append(value ? 1 : 0)
    }

    mutating func fixed64Field(_ field: UInt32, _ value: UInt64) {
        tag(field, .fixed64)
        appendLittleEndian(value)
    }

    mutating func doubleField(_ field: UInt32, _ value: Double) {
        fixed64Field(field, value.bitPattern)
    }

    mutating func stringField(_ field: UInt32, _ value: String) {
        tag(field, .lengthDelimited)
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A `bytes` field holding `value` as 8 big-endian bytes (a span id).
    mutating func bigEndianField(_ field: UInt32, _ value: UInt64) {
        tag(field, .lengthDelimited)
        bytes.append(8)
        appendBigEndian(value)
    }

    /// A `bytes` field holding `high` then `low` as 16 big-endian bytes (a trace id).
    mutating func bigEndianField(_ field: UInt32, _ high: UInt64, _ low: UInt64) {
        tag(field, .lengthDelimited)
        bytes.append(16)
        appendBigEndian(high)
        appendBigEndian(low)
    }

    /// A nested message: `body` writes its fields, then the length prefix is filled in.
    @inline(__always)
    mutating func message(_ field: UInt32, _ body: (inout ProtobufWriter) -> Void) {
        tag(field, .lengthDelimited)
        let lengthPosition = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthPosition - 1
        if length < 0x80 {
            bytes[lengthPosition] = UInt8(length)
            return
        }
        var extra = 0
        var rest = length >> 7
        while rest > 0 {
            extra += 1
            rest >>= 7
        }
        // Make room for the longer length by moving the body up (one memmove, not a generic insert).
        let bodyStart = lengthPosition + 1
        bytes.append(contentsOf: repeatElement(0, count: extra))
        bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            (base + bodyStart + extra).update(from: base + bodyStart, count: length)
        }
        var remaining = UInt64(length)
        var position = lengthPosition
        while remaining >= 0x80 {
            bytes[position] = UInt8(truncatingIfNeeded: remaining) | 0x80
            remaining >>= 7
            position += 1
        }
        bytes[position] = UInt8(remaining)
    }

    @inline(__always)
    private mutating func appendLittleEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    private mutating func appendBigEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
