// SpanStatistics: count, errors, duration quantiles and self time of the spans sharing one name.

/// Aggregate numbers for the spans of one name: count, errors, mean and quantiles of duration, self time.
///
/// It holds no spans, only counters and two `QuantileSketch`es, so its size does not grow with the span
/// count. Quantiles are within the sketches' `alpha` (1% by default) of the exact values.
///
/// ```swift
/// var stats = SpanStatistics(name: "db.query")
/// stats.record(durationNanoseconds: 4_000_000, selfTimeNanoseconds: 3_000_000, isError: false)
/// print(stats.p99DurationNanoseconds ?? 0)
/// ```
public struct SpanStatistics: Hashable, Sendable {
    /// The span name these numbers describe.
    public let name: String
    /// How many spans were recorded.
    public private(set) var count: UInt64 = 0
    /// How many of them had an error status.
    public private(set) var errorCount: UInt64 = 0
    /// The sum of their durations (saturating at `UInt64.max`).
    public private(set) var totalDurationNanoseconds: UInt64 = 0
    /// The sum of their self (exclusive) times (saturating at `UInt64.max`).
    public private(set) var totalSelfTimeNanoseconds: UInt64 = 0
    /// The distribution of durations, in nanoseconds.
    public private(set) var durations: QuantileSketch
    /// The distribution of self times, in nanoseconds.
    public private(set) var selfTimes: QuantileSketch

    /// Creates empty statistics for `name`, with sketches of relative accuracy `alpha`.
    public init(name: String, alpha: Double = 0.01) {
        self.name = name
        self.durations = QuantileSketch(alpha: alpha)
        self.selfTimes = QuantileSketch(alpha: alpha)
    }

    /// Adds one span's numbers.
    ///
    /// ```swift
    /// stats.record(durationNanoseconds: span.durationNanoseconds, selfTimeNanoseconds: 0, isError: true)
    /// ```
    public mutating func record(durationNanoseconds: UInt64, selfTimeNanoseconds: UInt64, isError: Bool) {
        count &+= 1
        if isError { errorCount &+= 1 }
        totalDurationNanoseconds = Self.saturatingSum(totalDurationNanoseconds, durationNanoseconds)
        totalSelfTimeNanoseconds = Self.saturatingSum(totalSelfTimeNanoseconds, selfTimeNanoseconds)
        durations.add(Double(durationNanoseconds))
        selfTimes.add(Double(selfTimeNanoseconds))
    }

    /// Adds the numbers of `other` (same name assumed; sketches must share `alpha`).
    public mutating func merge(_ other: SpanStatistics) throws(QuantileSketchError) {
        try durations.merge(other.durations)
        try selfTimes.merge(other.selfTimes)
        count &+= other.count
        errorCount &+= other.errorCount
        totalDurationNanoseconds = Self.saturatingSum(totalDurationNanoseconds, other.totalDurationNanoseconds)
        totalSelfTimeNanoseconds = Self.saturatingSum(totalSelfTimeNanoseconds, other.totalSelfTimeNanoseconds)
    }

    /// The fraction of spans with an error status, `nil` when empty.
    public var errorRatio: Double? { count == 0 ? nil : Double(errorCount) / Double(count) }

    /// The mean duration, `nil` when empty.
    public var meanDurationNanoseconds: Double? { durations.mean }

    /// The mean self time, `nil` when empty.
    public var meanSelfTimeNanoseconds: Double? { selfTimes.mean }

    /// The estimated `q`-quantile of durations (see `QuantileSketch.quantile(_:)`).
    public func durationQuantile(_ q: Double) -> Double? { durations.quantile(q) }

    /// The estimated median duration.
    public var p50DurationNanoseconds: Double? { durations.quantile(0.5) }

    /// The estimated 95th percentile duration.
    public var p95DurationNanoseconds: Double? { durations.quantile(0.95) }

    /// The estimated 99th percentile duration.
    public var p99DurationNanoseconds: Double? { durations.quantile(0.99) }

    private static func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let sum = a.addingReportingOverflow(b)
        return sum.overflow ? UInt64.max : sum.partialValue
    }
}
