// Count, mean and percentiles of a histogram or summary, like the seed UI collector's getStats().

/// Summary statistics of all observations of a histogram or summary family, across its series.
///
/// Summaries answer from their sketch (within its relative error). Histograms interpolate linearly
/// inside the bucket that holds the percentile, as PromQL's `histogram_quantile` does, so their
/// percentiles are only as precise as the buckets.
///
/// ```swift
/// if let stats = registry.stats("ui_tool_execution_duration_seconds") {
///     print(stats.count, stats.mean, stats.p50, stats.p95, stats.p99)
/// }
/// ```
public struct MetricStats: Sendable, Equatable {
    /// Number of observations.
    public let count: Int
    /// Mean observation (sum / count); NaN when there are none.
    public let mean: Double
    /// 50th percentile.
    public let p50: Double
    /// 95th percentile.
    public let p95: Double
    /// 99th percentile.
    public let p99: Double

    /// Creates stats from values.
    ///
    /// ```swift
    /// let stats = MetricStats(count: 3, mean: 2, p50: 2, p95: 3, p99: 3)
    /// ```
    public init(count: Int, mean: Double, p50: Double, p95: Double, p99: Double) {
        self.count = count
        self.mean = mean
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
    }

    init(sketch: DDSketch) {
        self.init(
            count: sketch.count, mean: sketch.count > 0 ? sketch.sum / Double(sketch.count) : .nan,
            p50: sketch.quantile(0.5) ?? .nan, p95: sketch.quantile(0.95) ?? .nan, p99: sketch.quantile(0.99) ?? .nan)
    }

    /// From histogram series sharing one bucket layout.
    init(histograms: [Histogram]) {
        let bounds = histograms.first?.upperBounds ?? []
        var cumulative = Array(repeating: 0, count: bounds.count + 1)
        var sum = 0.0
        for histogram in histograms {
            let snapshot = histogram.snapshot()
            for index in cumulative.indices { cumulative[index] += snapshot.cumulativeCounts[index] }
            sum += snapshot.sum
        }
        let count = cumulative.last ?? 0
        func percentile(_ q: Double) -> Double {
            Self.histogramQuantile(q, upperBounds: bounds, cumulativeCounts: cumulative)
        }
        self.init(
            count: count, mean: count > 0 ? sum / Double(count) : .nan,
            p50: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99))
    }

    /// PromQL's `histogram_quantile`: linear interpolation within the bucket holding rank q * count; the first
    /// bucket starts at 0 (if its bound is positive); a rank in the `+Inf` bucket yields the last finite bound.
    static func histogramQuantile(_ q: Double, upperBounds: [Double], cumulativeCounts: [Int]) -> Double {
        guard let total = cumulativeCounts.last, total > 0, !upperBounds.isEmpty else { return .nan }
        let rank = q * Double(total)
        var index = 0
        while index < upperBounds.count && Double(cumulativeCounts[index]) < rank { index += 1 }
        if index == upperBounds.count { return upperBounds[upperBounds.count - 1] }
        let upper = upperBounds[index]
        let lower = index == 0 ? (upper > 0 ? 0 : upper) : upperBounds[index - 1]
        let below = index == 0 ? 0 : cumulativeCounts[index - 1]
        let inBucket = cumulativeCounts[index] - below
        guard inBucket > 0 else { return upper }
        return lower + (upper - lower) * (rank - Double(below)) / Double(inBucket)
    }
}
