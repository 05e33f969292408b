// A growable byte buffer that the exposition formats write into, with exact escaping and number formatting.

/// Bytes of exposition text under construction. Appends never allocate per sample once the buffer is reserved.
struct ExpositionBuffer {
    var bytes: [UInt8]

    init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func append(_ text: [UInt8]) {
        bytes.append(contentsOf: text)
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    mutating func append(string: String) {
        var text = string
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends a signed integer in decimal without going through `String`.
    mutating func append(integer value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 {
            bytes.append(UInt8(truncatingIfNeeded: magnitude) &+ 48)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            while magnitude > 0 {
                index -= 1
                digits[index] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }

    /// Appends a sample value: integral values in integer form, others in shortest round-trip form,
    /// and `+Inf`, `-Inf`, `NaN` as both formats spell them.
    mutating func append(sampleValue value: Double) {
        if value.isNaN {
            append("NaN")
        } else if value.isInfinite {
            append(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(.towardZero) && value.magnitude < 9.0e15 {
            append(integer: Int(value))
        } else {
            // Swift's description is the shortest string that reads back as the same Double; both
            // Go's ParseFloat and Python's float() accept its forms ("0.1", "1e-05", "1.5e+300").
            append(string: value.description)
        }
    }

    /// Appends a label value or exemplar label value, escaping `\`, `"` and newline as both formats require.
    /// Nothing else needs escaping: only a raw newline ends a line, and only an unescaped quote ends a value.
    mutating func append(escapedLabelValue value: String) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\n"): append("\\n")
            default: bytes.append(byte)
            }
        }
    }

    /// Appends HELP text. Prometheus text 0.0.4 escapes only `\` and newline there;
    /// OpenMetrics 1.0 also escapes `"`.
    mutating func append(escapedHelp text: String, escapingQuotes: Bool) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\"") where escapingQuotes: append("\\\"")
            default: bytes.append(byte)
            }
        }
    }

    /// Appends a JSON string literal with quotes, escaping per RFC 8259.
    mutating func append(jsonString text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case 0..<0x20:
                append("\\u00")
                let hex: StaticString = "0123456789abcdef"
                hex.withUTF8Buffer { digits in
                    bytes.append(digits[Int(byte >> 4)])
                    bytes.append(digits[Int(byte & 0xF)])
                }
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a JSON number; non-finite values, which JSON cannot spell, become the strings "+Inf", "-Inf", "NaN".
    mutating func append(jsonNumber value: Double) {
        if value.isFinite {
            append(sampleValue: value)
        } else {
            bytes.append(UInt8(ascii: "\""))
            append(sampleValue: value)
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
