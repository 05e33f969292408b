// SamplingTraceState: the sampling threshold as OpenTelemetry writes it in W3C `tracestate` (`ot=th:...`).

/// Reads and writes the `th` (rejection threshold) sub-key of the `ot` entry of a W3C `tracestate` header, as
/// OpenTelemetry's consistent probability sampling defines it: up to 14 lowercase hex digits of the 56-bit
/// threshold, trailing zeros removed (`th:0` keeps every trace; `th:8` keeps half, `th:e6666666666666` 10%).
///
/// ```swift
/// SamplingTraceState.value(threshold: Sampler.ratio(0.5).threshold)   // "ot=th:8"
/// SamplingTraceState.threshold(in: "vendor=x,ot=th:c")                 // 0xC0000000000000 (25% kept)
/// ```
public enum SamplingTraceState {
    /// The `tracestate` list member for `threshold`: `ot=th:` and the threshold's hex digits.
    public static func value(threshold: UInt64) -> String {
        "ot=th:" + digits(threshold)
    }

    /// The threshold as `th` writes it: 14 hex digits with trailing zeros removed ("0" for 0).
    public static func digits(_ threshold: UInt64) -> String {
        guard threshold != 0 else { return "0" }
        var text = String(threshold & (Sampler.maxThreshold - 1), radix: 16)
        text = String(repeating: "0", count: max(0, 14 - text.count)) + text
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// The threshold in the `ot` entry of a `tracestate` header value, or `nil` when it has none (or a malformed
    /// one, which OpenTelemetry also ignores).
    public static func threshold(in tracestate: some StringProtocol) -> UInt64? {
        for member in tracestate.split(separator: ",") {
            let entry = member.drop { $0 == " " || $0 == "\t" }
            guard entry.hasPrefix("ot=") else { continue }
            for field in entry.dropFirst(3).split(separator: ";") where field.hasPrefix("th:") {
                let hex = field.dropFirst(3).prefix { $0 != " " && $0 != "\t" }
                guard (1...14).contains(hex.count), hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
                    let value = UInt64(hex, radix: 16)
                else { return nil }
                return value << (4 * UInt64(14 - hex.count))
            }
        }
        return nil
    }
}
