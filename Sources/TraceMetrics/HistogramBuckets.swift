// Bucket layouts for histograms: Prometheus's defaults and the exponential and linear helpers.

/// Upper bounds for histogram buckets (the `+Inf` bucket is always added, do not list it).
///
/// ```swift
/// let latency = try registry.histogram("rpc_duration_seconds", help: "RPC latency.", unit: "seconds",
///                                      buckets: try HistogramBuckets.exponential(start: 0.001, factor: 2, count: 12))
/// ```
public enum HistogramBuckets {
    /// The client libraries' default buckets, suited to request latencies in seconds:
    /// 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10.
    ///
    /// ```swift
    /// let bounds = HistogramBuckets.prometheusDefault
    /// ```
    public static let prometheusDefault: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// `count` bounds starting at `start`, each `factor` times the one before.
    ///
    /// ```swift
    /// let bounds = try HistogramBuckets.exponential(start: 1, factor: 2, count: 4)  // [1, 2, 4, 8]
    /// ```
    public static func exponential(start: Double, factor: Double, count: Int) throws(MetricsRegistryError) -> [Double] {
        guard count >= 1, start > 0, start.isFinite, factor > 1, factor.isFinite else {
            throw .invalidBuckets(
                metric: "", reason: "exponential buckets need count >= 1, start > 0 and factor > 1")
        }
        var bounds: [Double] = []
        bounds.reserveCapacity(count)
        var bound = start
        for _ in 0..<count {
            bounds.append(bound)
            bound *= factor
        }
        return bounds
    }

    /// `count` bounds starting at `start`, each `width` above the one before.
    ///
    /// ```swift
    /// let bounds = try HistogramBuckets.linear(start: 0.1, width: 0.1, count: 3)  // [0.1, 0.2, 0.30000000000000004]
    /// ```
    public static func linear(start: Double, width: Double, count: Int) throws(MetricsRegistryError) -> [Double] {
        guard count >= 1, start.isFinite, width > 0, width.isFinite else {
            throw .invalidBuckets(metric: "", reason: "linear buckets need count >= 1 and width > 0")
        }
        return (0..<count).map { start + Double($0) * width }
    }

    /// Checks bounds: at least one, finite, strictly increasing. A trailing `+Inf` is accepted and dropped.
    static func validated(_ bounds: [Double], metric: String) throws(MetricsRegistryError) -> [Double] {
        var result = bounds
        if result.last == .infinity { result.removeLast() }
        guard !result.isEmpty else { throw .invalidBuckets(metric: metric, reason: "no finite bucket bound") }
        for (index, bound) in result.enumerated() {
            guard bound.isFinite else { throw .invalidBuckets(metric: metric, reason: "bound \(bound) is not finite") }
            if index > 0 && !(bound > result[index - 1]) {
                throw .invalidBuckets(metric: metric, reason: "bounds must be strictly increasing")
            }
        }
        return result
    }
}
