// DurationText: nanoseconds as short human-readable text ("850ns", "12.345ms", "2.500s"), without Foundation.

/// Durations as the tables, trees and reports of the package print them.
///
/// ```swift
/// DurationText.format(nanoseconds: 12_345_678)   // "12.346ms"
/// ```
package enum DurationText {
    /// Nanoseconds in the largest unit that keeps the number at least 1, with 3 decimals above ns.
    ///
    /// `850` → `850ns`, `12_345` → `12.345µs`, `12_345_678` → `12.346ms`, `2_500_000_000` → `2.500s`.
    package static func format(nanoseconds: UInt64) -> String {
        if nanoseconds < 1_000 { return "\(nanoseconds)ns" }
        if nanoseconds < 1_000_000 { return fixedThreeDecimals(thousandths: nanoseconds) + "µs" }
        if nanoseconds < 1_000_000_000 { return fixedThreeDecimals(thousandths: rounded(nanoseconds, 1_000)) + "ms" }
        return fixedThreeDecimals(thousandths: rounded(nanoseconds, 1_000_000)) + "s"
    }

    /// A double of nanoseconds (a mean or a quantile), rounded to whole nanoseconds; `-` when missing or not finite.
    package static func format(nanoseconds: Double?) -> String {
        guard let nanoseconds, nanoseconds.isFinite else { return "-" }
        if nanoseconds <= 0 { return "0ns" }
        if nanoseconds >= 1.8e19 { return format(nanoseconds: UInt64.max) }
        return format(nanoseconds: UInt64(nanoseconds.rounded()))
    }

    private static func rounded(_ value: UInt64, _ divisor: UInt64) -> UInt64 {
        value / divisor + (value % divisor >= divisor / 2 ? 1 : 0)
    }

    private static func fixedThreeDecimals(thousandths: UInt64) -> String {
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
