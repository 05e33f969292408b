// DurationText: nanoseconds as short text ("850ns", "12.345ms", "2.500s") for tables and lines.

enum DurationText {
    /// Nanoseconds in the largest unit that keeps the number at least 1, with 3 decimals above ns.
    static func format(nanoseconds: UInt64) -> String {
        if nanoseconds < 1_000 { return "\(nanoseconds)ns" }
        if nanoseconds < 1_000_000 { return threeDecimals(nanoseconds) + "µs" }
        if nanoseconds < 1_000_000_000 { return threeDecimals(rounded(nanoseconds, 1_000)) + "ms" }
        return threeDecimals(rounded(nanoseconds, 1_000_000)) + "s"
    }

    /// A double of nanoseconds (a mean or a quantile); `-` when missing.
    static func format(nanoseconds: Double?) -> String {
        guard let nanoseconds, nanoseconds.isFinite else { return "-" }
        if nanoseconds <= 0 { return "0ns" }
        if nanoseconds >= 1.8e19 { return format(nanoseconds: UInt64.max) }
        return format(nanoseconds: UInt64(nanoseconds.rounded()))
    }

    private static func rounded(_ value: UInt64, _ divisor: UInt64) -> UInt64 {
        value / divisor + (value % divisor >= divisor / 2 ? 1 : 0)
    }

    private static func threeDecimals(_ thousandths: UInt64) -> String {
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
