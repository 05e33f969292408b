// SpanID: the 64-bit identifier of one span within its trace.

/// A 64-bit span identifier, compatible with W3C Trace Context and OpenTelemetry.
///
/// ```swift
/// let id = SpanID(hexString: "00f067aa0ba902b7")
/// ```
public struct SpanID: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The identifier's 64 bits.
    public var rawValue: UInt64

    /// Creates a span id from its 64 bits.
    @inlinable
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The all-zero id, which W3C Trace Context treats as invalid.
    public static let invalid = SpanID(rawValue: 0)

    /// Whether the id is not zero.
    @inlinable
    public var isValid: Bool { rawValue != 0 }

    /// Parses 16 lowercase hexadecimal digits; returns `nil` for anything else.
    public init?(hexString: some StringProtocol) {
        let utf8 = Array(hexString.utf8)
        guard utf8.count == 16, let value = HexCoding.decode64(utf8[0..<16]) else { return nil }
        self.init(rawValue: value)
    }

    /// 16 lowercase hexadecimal digits.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        HexCoding.append(rawValue, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
