// SplitSpanSink: a sink whose work splits into a part that any thread may do in any order, and an ordered rest.

/// A sink whose work on a span splits in two: `prepare(_:)` gives the same result whatever order spans come
/// in and whatever thread runs it; `consumePrepared(_:)` needs the spans in the order they finished.
///
/// A replaying `LogReader` given such a sink runs `prepare(_:)` on its decoding threads, in parallel with the
/// caller, so replay uses more than one core; the caller then passes each span it reads to
/// `consumePrepared(_:)`. Live, `consume(_:)` does both parts.
///
/// ```swift
/// let reader = try LogReader(path: "app.tklog", preparingFor: analyzer)
/// for entry in reader {
///     if case .span(let span) = entry { analyzer.consumePrepared(span) }
/// }
/// ```
public protocol SplitSpanSink: SpanSink {
    /// The part of consuming `span` that does not depend on order; may run on any thread, concurrently.
    func prepare(_ span: SpanRecord)
    /// `prepare(_:)` for every span of a batch (a decoded log block); a sink may share lookups across it.
    func prepare(contentsOf spans: [SpanRecord])
    /// The rest of consuming a span already passed to `prepare(_:)`; spans come in the order they finished.
    func consumePrepared(_ span: SpanRecord)
    /// `prepare(_:)` for every span of a `SpanBatch`; by default through `batch.records`. A replaying
    /// `LogBatchReader(path:preparingFor:)` calls it on its decoding threads.
    ///
    /// ```swift
    /// sink.prepare(batch)  // any thread, any order
    /// ```
    func prepare(_ batch: SpanBatch)
    /// `consumePrepared(_:)` for every span of a `SpanBatch` already passed to `prepare(_:)`, in order; by default
    /// through `batch.records`.
    ///
    /// ```swift
    /// for case .spans(let batch) in try LogBatchReader(path: "app.tklog", preparingFor: sink) {
    ///     sink.consumePrepared(batch)
    /// }
    /// ```
    func consumePrepared(_ batch: SpanBatch)
}

extension SplitSpanSink {
    public func prepare(contentsOf spans: [SpanRecord]) {
        for span in spans { prepare(span) }
    }

    public func prepare(_ batch: SpanBatch) {
        prepare(contentsOf: batch.records)
    }

    public func consumePrepared(_ batch: SpanBatch) {
        for index in 0..<batch.count { consumePrepared(batch.record(at: index)) }
    }
}
