// The seed's two timing styles on the registry: an explicit timer, and Go's TrackAppOperation.

extension MetricsRegistry {
    /// Starts a timer on the histogram `name` (registered on first use with the default buckets and the
    /// label names of `labels`); ``MetricTimer/stop()`` observes the elapsed seconds.
    ///
    /// ```swift
    /// let timer = try registry.startTimer("ui_tool_execution_duration_seconds", labels: ["tool": toolID])
    /// try runTool(toolID)
    /// timer.stop()
    /// ```
    public func startTimer(
        _ name: String, labels: [String: String] = [:], help: String = "Duration in seconds."
    ) throws(MetricsRegistryError) -> MetricTimer {
        let unit = name.hasSuffix("_seconds") ? "seconds" : ""
        let family = try histogramFamily(name, help: help, unit: unit, labelNames: Array(labels.keys))
        return MetricTimer(histogram: try family.labels(labels))
    }

    /// Starts timing an operation into `histogram{operation="..."}`; call the result when it ends.
    ///
    /// Go writes `defer m.TrackAppOperation("list")()`, evaluating the call at once and deferring only the
    /// returned function. Swift's `defer` delays its whole statement, so start the timer first:
    ///
    /// ```swift
    /// let done = registry.trackOperation("list")
    /// defer { done() }
    /// ```
    /// This never throws, so it fits in a `defer`: if `histogram` is already registered as something
    /// incompatible, nothing is recorded and ``trackingFailures`` counts the miss.
    public func trackOperation(
        _ operation: String, histogram: String = "operation_duration_seconds"
    ) -> MetricTimer {
        do {
            let unit = histogram.hasSuffix("_seconds") ? "seconds" : ""
            let family = try histogramFamily(
                histogram, help: "Duration of tracked operations in seconds.", unit: unit, labelNames: ["operation"])
            return MetricTimer(histogram: try family.labels(["operation": operation]))
        } catch {
            trackingFailureCount.wrappingAdd(1, ordering: .relaxed)
            return MetricTimer(histogram: nil)
        }
    }

    /// Times `body` into `histogram{operation="..."}` and returns its result; the time is recorded even when
    /// `body` throws.
    ///
    /// ```swift
    /// let apps = try await registry.trackOperation("list") { try await store.listApps() }
    /// ```
    public func trackOperation<Result, Failure: Error>(
        _ operation: String, histogram: String = "operation_duration_seconds",
        _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        let timer = trackOperation(operation, histogram: histogram)
        defer { timer.stop() }
        return try await body()
    }
}
