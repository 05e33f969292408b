// A running timer that records its elapsed seconds into a histogram when stopped.

/// Measures elapsed time on the monotonic clock and observes it, in seconds, into a histogram.
///
/// The seed's two styles map to Swift like this:
///
/// ```swift
/// let timer = try registry.startTimer("ui_tool_execution_duration_seconds", labels: ["tool": toolID])
/// runTool()
/// timer.stop()
///
/// let done = registry.trackOperation("list")   // Go's `defer m.TrackAppOperation("list")()`
/// defer { done() }
/// ```
///
/// Unlike Go, Swift's `defer` runs its whole statement at scope exit, so `defer registry.trackOperation("list")()`
/// would start and stop the timer at the same moment: start it first, as above.
/// Stopping a timer twice records twice.
public struct MetricTimer: Sendable {
    let histogram: Histogram?
    let start: ContinuousClock.Instant

    init(histogram: Histogram?) {
        self.histogram = histogram
        self.start = ContinuousClock.now
    }

    /// Observes the seconds elapsed since the timer started and returns them.
    ///
    /// ```swift
    /// let seconds = timer.stop()
    /// ```
    @discardableResult
    public func stop() -> Double {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        histogram?.observe(seconds)
        return seconds
    }

    /// Same as ``stop()``, so a timer can be called like the function Go's `TrackAppOperation` returns.
    ///
    /// ```swift
    /// let done = registry.trackOperation("list")
    /// defer { done() }
    /// ```
    @discardableResult
    public func callAsFunction() -> Double {
        stop()
    }
}
