// The wall clock a registry reads for `_created` timestamps; injectable so output can be made deterministic.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A source of Unix time in seconds, used for the `_created` samples of OpenMetrics output.
///
/// ```swift
/// let registry = MetricsRegistry(clock: .fixed(1_700_000_000))  // identical text on every run
/// ```
public struct MetricsClock: Sendable {
    /// Reads the current Unix time in seconds.
    public let now: @Sendable () -> Double

    /// Creates a clock from a function returning Unix time in seconds.
    ///
    /// ```swift
    /// let clock = MetricsClock { 1_700_000_000.5 }
    /// ```
    public init(_ now: @escaping @Sendable () -> Double) {
        self.now = now
    }

    /// The system's real-time clock (`CLOCK_REALTIME`).
    ///
    /// ```swift
    /// let seconds = MetricsClock.system.now()
    /// ```
    public static let system = MetricsClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// A clock that always reads the given time; for tests and reproducible output.
    ///
    /// ```swift
    /// let clock = MetricsClock.fixed(1_700_000_000)
    /// ```
    public static func fixed(_ seconds: Double) -> MetricsClock {
        MetricsClock { seconds }
    }
}
