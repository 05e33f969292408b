// SpanDropReporting: a sink that can lose spans says how many, and why, so operators see it on /metrics.

/// A sink that may lose spans it was given (a full buffer, a failed write or export) and counts them.
///
/// `TraceRecorder.droppedSpans` sums these over a recorder's sinks; the `/metrics` endpoint of `TraceKitHTTP`
/// serves the sum as `tracekit_spans_dropped_total{reason}`.
///
/// ```swift
/// extension MySink: SpanDropReporting {
///     var droppedSpanCounts: [String: UInt64] { ["queue_full": queueFullCount.load(ordering: .relaxed)] }
/// }
/// ```
public protocol SpanDropReporting: SpanSink {
    /// Spans lost so far, by reason: stable `snake_case` names such as `buffer_full` or `write_failed`.
    var droppedSpanCounts: [String: UInt64] { get }
}

extension TraceRecorder {
    /// Spans this recorder's sinks lost so far, by reason, summed over the sinks that report it.
    ///
    /// ```swift
    /// let lost = TraceSystem.recorder?.droppedSpans["buffer_full"] ?? 0
    /// ```
    public var droppedSpans: [String: UInt64] {
        var total: [String: UInt64] = [:]
        for case let sink as any SpanDropReporting in configuration.sinks {
            total.merge(sink.droppedSpanCounts, uniquingKeysWith: +)
        }
        return total
    }
}
