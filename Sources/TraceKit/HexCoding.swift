// HexCoding: lowercase hexadecimal encoding of ids, strict as W3C Trace Context requires.

enum HexCoding {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends 16 lowercase hex digits of `value`, most significant first.
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var shift = 60
        while shift >= 0 {
            bytes.append(digits[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }

    /// Decodes up to 16 lowercase hex digits; uppercase and other characters are rejected.
    static func decode64(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard let nibble = nibble(byte) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
