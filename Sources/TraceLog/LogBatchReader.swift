// LogBatchReader: reads a trace log a block at a time, the spans of each block as one SpanBatch.

import TraceKit

/// An entry of a log read a block at a time.
public enum LogBatchEntry: Sendable {
    /// A file header: the resource of the spans that follow.
    case header(LogFileHeader)
    /// The spans of one block, column by column.
    case spans(SpanBatch)
    /// Spans the writer had to drop.
    case droppedSpans(DroppedSpans)
    /// A damaged region, skipped.
    case damage(LogDamage)
}

/// Reads a trace log file block by block, handing out each block's spans as one `SpanBatch`: no `SpanRecord`
/// per span, for consumers that go through many spans (statistics, derived metrics, exporters). Damage is
/// reported and skipped as by `LogReader`.
///
/// ```swift
/// var slow = 0
/// for case .spans(let batch) in try LogBatchReader(path: "app.tklog") {
///     slow += batch.durationNanoseconds.filter { $0 > 1_000_000_000 }.count
/// }
/// ```
public final class LogBatchReader: Sequence, IteratorProtocol {
    /// The path being read.
    public let path: String
    /// The blocks' entries, read directly or ahead.
    private let source: BlockEntrySource<LogBatchEntry>
    /// Whether the last block read was the BGZF end-of-file marker (the writer closed the file cleanly).
    public var sawEndOfFileMarker: Bool { source.sawEndOfFileMarker }

    /// Opens `path` for reading from its start. With `readAhead`, three helper threads find, inflate and decode
    /// the next few blocks while the caller consumes (as `LogReader` does).
    ///
    /// With `attributes`, only the values of those attribute keys are decoded: the batches' shapes list only
    /// those of their keys, and in span columns records (format version 2) the columns of other keys are not even
    /// read (span runs of format version 1 are decoded whole, then filtered). A consumer that needs a few
    /// attributes (such as `SpanAnalyzer.attributeKeys`) saves most of the decoding and memory that way.
    ///
    /// ```swift
    /// let reader = try LogBatchReader(path: "app.tklog", attributes: analyzer.attributeKeys)
    /// ```
    ///
    /// With `preparingFor`, every batch is passed to the sink's `prepare(_: SpanBatch)` before `next()` returns
    /// it, on the decoding threads when reading ahead, so the caller is left with the ordered rest:
    ///
    /// ```swift
    /// let reader = try LogBatchReader(path: "app.tklog", attributes: analyzer.attributeKeys, preparingFor: analyzer)
    /// for case .spans(let batch) in reader { analyzer.consumePrepared(batch) }
    /// ```
    ///
    /// - Throws: `TraceLogError.cannotOpen` when the file cannot be opened.
    public convenience init(
        path: String, readAhead: Bool = true, attributes: Set<String>? = nil,
        preparingFor preparer: (any SplitSpanSink)? = nil
    ) throws(TraceLogError) {
        try self.init(
            path: path, readAhead: readAhead, attributes: attributes, preparingFor: preparer,
            preparingOnDecodingThreads: true)
    }

    /// As the public initialiser, with where batches are prepared chosen by the caller (tests use both).
    init(
        path: String, readAhead: Bool, attributes: Set<String>?, preparingFor preparer: (any SplitSpanSink)?,
        preparingOnDecodingThreads onDecodingThreads: Bool
    ) throws(TraceLogError) {
        self.path = path
        source = BlockEntrySource(
            path: path, scanner: try BlockScanner(file: try FileHandle.openForReading(path)), readAhead: readAhead,
            preparer: preparer, preparingOnDecodingThreads: onDecodingThreads, attributeKeys: attributes)
    }

    /// The byte offset after the last block whose entries were handed out.
    public var offset: Int64 { source.offset }

    /// The next entry, or `nil` at the end of the file.
    public func next() -> LogBatchEntry? {
        source.next(waitForGrowth: false)
    }
}
