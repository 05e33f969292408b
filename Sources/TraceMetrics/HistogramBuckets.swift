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

    /// Latencies of system calls, in seconds: 1 µs to 100 ms in 1-2.5-5 steps (15 bounds). A `read` of a few
    /// microseconds lands in its own bucket instead of reading as 0.
    ///
    /// ```swift
    /// let syscalls = try registry.histogramFamily("kernel_syscall_duration_seconds", help: "Syscall latency.",
    ///                                             unit: "seconds", labelNames: ["syscall"], buckets: HistogramBuckets.syscallSeconds)
    /// ```
    public static let syscallSeconds: [Double] = [
        0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5,
        0.005, 0.01, 0.025, 0.1,
    ]

    /// Latencies of HTTP requests, in seconds: 100 µs to 30 s in 1-2.5-5 steps (17 bounds), the Prometheus defaults
    /// extended down to in-memory handlers and up to slow uploads.
    ///
    /// ```swift
    /// let bounds = HistogramBuckets.httpSeconds   // 0.0001 ... 30
    /// ```
    public static let httpSeconds: [Double] = [
        0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]

    /// Latencies of AI operations (LLM calls, UI generation, tool runs), in seconds: 5 ms to 1 minute
    /// (14 bounds), so a cached answer, a fast model and a long generation each have buckets of their own.
    ///
    /// ```swift
    /// let bounds = HistogramBuckets.aiSeconds   // 0.005 ... 60
    /// ```
    public static let aiSeconds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60]

    /// Latencies of spans of any layer, in seconds: 1 µs to 1 minute in 1-2.5-5 steps (24 bounds), for one
    /// histogram that holds syscalls and LLM calls alike.
    ///
    /// ```swift
    /// let bounds = HistogramBuckets.spanSeconds   // 0.000001 ... 60
    /// ```
    public static let spanSeconds: [Double] = [
        0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5,
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]

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
