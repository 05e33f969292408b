// DurationText: nanoseconds as short human-readable text ("850ns", "12.345ms"), without Foundation.

enum DurationText {
    /// Nanoseconds in the largest unit that keeps the number at least 1, with 3 decimals above ns.
    ///
    /// `850` → `850ns`, `12_345` → `12.345µs`, `12_345_678` → `12.346ms`, `2_500_000_000` → `2.500s`.
    static func format(nanoseconds: UInt64) -> String {
        if nanoseconds < 1_000 { return "\(nanoseconds)ns" }
        if nanoseconds < 1_000_000 { return fixedThreeDecimals(thousandths: nanoseconds) + "µs" }
        if nanoseconds < 1_000_000_000 { return fixedThreeDecimals(thousandths: rounded(nanoseconds, 1_000)) + "ms" }
        return fixedThreeDecimals(thousandths: rounded(nanoseconds, 1_000_000)) + "s"
    }

    /// A non-negative double of nanoseconds (a mean or quantile), rounded to whole nanoseconds.
    static func format(nanoseconds: Double) -> String {
        guard nanoseconds.isFinite else { return "n/a" }
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
