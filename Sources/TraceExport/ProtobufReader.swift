// ProtobufReader: walks the fields of a protobuf message, enough to read the small OTLP responses.

/// Reads one field at a time; a truncated or malformed message sets `failed` and ends the walk.
struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case lengthDelimited(ArraySlice<UInt8>)
    }

    private var bytes: ArraySlice<UInt8>
    private(set) var failed = false

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    /// The next field, or `nil` at the end of the message or on malformed input.
    mutating func nextField() -> (number: UInt64, value: Value)? {
        guard !bytes.isEmpty, !failed else { return nil }
        guard let key = readVarint() else { return fail() }
        let number = key >> 3
        switch key & 7 {
        case 0:
            guard let value = readVarint() else { return fail() }
            return (number, .varint(value))
        case 1:
            guard let value = readLittleEndian(8) else { return fail() }
            return (number, .fixed64(value))
        case 5:
            guard let value = readLittleEndian(4) else { return fail() }
            return (number, .fixed32(UInt32(value)))
        case 2:
            guard let length = readVarint(), length <= UInt64(bytes.count) else { return fail() }
            let end = bytes.startIndex + Int(length)
            let content = bytes[bytes.startIndex..<end]
            bytes = bytes[end...]
            return (number, .lengthDelimited(content))
        default:
            return fail()
        }
    }

    private mutating func fail() -> (number: UInt64, value: Value)? {
        failed = true
        return nil
    }

    private mutating func readVarint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while let byte = bytes.first, shift < 64 {
            bytes = bytes.dropFirst()
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    private mutating func readLittleEndian(_ count: Int) -> UInt64? {
        guard bytes.count >= count else { return nil }
        var value: UInt64 = 0
        for (index, byte) in bytes.prefix(count).enumerated() { value |= UInt64(byte) << UInt64(8 * index) }
        bytes = bytes.dropFirst(count)
        return value
    }
}
