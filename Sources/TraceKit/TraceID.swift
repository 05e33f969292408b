// TraceID: the 128-bit W3C trace identifier shared by every span of one trace.

/// A 128-bit trace identifier, compatible with W3C Trace Context and OpenTelemetry.
///
/// ```swift
/// let id = TraceID(hexString: "4bf92f3577b34da6a3ce929d0e0e4736")
/// print(id?.description ?? "invalid")
/// ```
public struct TraceID: Hashable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The most significant 64 bits.
    public var high: UInt64
    /// The least significant 64 bits; the W3C "random" part that ratio sampling reads.
    public var low: UInt64

    /// Creates a trace id from its two 64-bit halves.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, which W3C Trace Context treats as invalid.
    public static let invalid = TraceID(high: 0, low: 0)

    /// Whether the id is not all zeros.
    @inlinable
    public var isValid: Bool { high != 0 || low != 0 }

    /// Parses 32 lowercase hexadecimal digits; returns `nil` for anything else.
    public init?(hexString: some StringProtocol) {
        let utf8 = Array(hexString.utf8)
        guard utf8.count == 32,
            let high = HexCoding.decode64(utf8[0..<16]),
            let low = HexCoding.decode64(utf8[16..<32])
        else { return nil }
        self.init(high: high, low: low)
    }

    /// 32 lowercase hexadecimal digits.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        HexCoding.append(high, to: &bytes)
        HexCoding.append(low, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
