// SpanSink: where finished spans go; each sink does one job (write a log, derive metrics, export).

/// Receives finished spans. A sink does one job; a `TraceRecorder` fans every span out to all of its sinks.
///
/// `consume(_:)` runs on the thread that finished the span, inside the traced call: it must be cheap and
/// must not block (hand the span over; encode, compress and do I/O elsewhere).
///
/// ```swift
/// final class CountingSink: SpanSink {
///     let count = Atomic<Int>(0)
///     func consume(_ span: SpanRecord) { count.add(1, ordering: .relaxed) }
/// }
/// ```
public protocol SpanSink: Sendable {
    /// Takes one finished span.
    func consume(_ span: SpanRecord)
    /// Makes everything consumed so far durable or visible; returns when done.
    func flush()
    /// Flushes and releases resources; spans consumed afterwards may be dropped.
    func shutdown()
}

extension SpanSink {
    public func flush() {}
    public func shutdown() {}
}

/// A sink that drops every span. Useful as a placeholder and for measuring the cost of recording itself.
public struct DiscardingSpanSink: SpanSink {
    public init() {}
    @inlinable
    public func consume(_ span: SpanRecord) {}
}
