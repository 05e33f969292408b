// SlowestSpans: the N longest spans seen so far, kept in a bounded heap while spans stream by.

import TraceKit

/// Keeps the `capacity` slowest spans of a stream, using memory for `capacity` spans only.
///
/// Ties in duration go to the span that started first, then to the lower trace and span id, so the
/// result does not depend on the order spans arrive in.
///
/// ```swift
/// var slowest = SlowestSpans(capacity: 10)
/// for span in replayedSpans { slowest.add(span) }
/// for span in slowest.spans { print(span.name, span.durationNanoseconds) }
/// ```
public struct SlowestSpans: Sendable {
    /// How many spans are kept at most.
    public let capacity: Int
    private var heap: SlowestHeap<SpanRecord>

    /// Creates an empty top-`capacity` list (a negative capacity counts as 0).
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
        heap = SlowestHeap(capacity: capacity)
    }

    /// Offers one span; it is kept if it is among the `capacity` slowest so far.
    public mutating func add(_ span: SpanRecord) {
        heap.add(span)
    }

    /// Offers every span of `batch` (with `name`, only spans of that name): the same as `add(_:)` on each of
    /// `batch.records`, but a record is made only for a span that is kept.
    ///
    /// ```swift
    /// for case .spans(let batch) in try LogBatchReader(path: "app.tklog") { slowest.add(batch) }
    /// ```
    public mutating func add(_ batch: SpanBatch, named name: String? = nil) {
        let wantedShapes = batch.shapes.map { name == nil || $0.name == name }
        for index in 0..<batch.count where wantedShapes[Int(batch.shapeIndexes[index])] {
            let key = SlownessKey(
                durationNanoseconds: batch.durationNanoseconds[index],
                startUnixNanoseconds: batch.startUnixNanoseconds[index], traceID: batch.traceIDs[index],
                spanID: batch.spanIDs[index])
            if heap.wouldKeep({ key.isSlower(than: SlownessKey($0)) }) { heap.add(batch.record(at: index)) }
        }
    }

    /// The kept spans, slowest first.
    public var spans: [SpanRecord] { heap.slowestFirst }
}

/// What ranks a span among the slowest, without the rest of its record.
private struct SlownessKey {
    var durationNanoseconds: UInt64
    var startUnixNanoseconds: UInt64
    var traceID: TraceID
    var spanID: SpanID

    init(durationNanoseconds: UInt64, startUnixNanoseconds: UInt64, traceID: TraceID, spanID: SpanID) {
        self.durationNanoseconds = durationNanoseconds
        self.startUnixNanoseconds = startUnixNanoseconds
        self.traceID = traceID
        self.spanID = spanID
    }

    init(_ span: SpanRecord) {
        self.init(
            durationNanoseconds: span.durationNanoseconds, startUnixNanoseconds: span.startUnixNanoseconds,
            traceID: span.traceID, spanID: span.spanID)
    }

    /// Longer first, then earlier start, then lower ids.
    func isSlower(than other: SlownessKey) -> Bool {
        if durationNanoseconds != other.durationNanoseconds { return durationNanoseconds > other.durationNanoseconds }
        if startUnixNanoseconds != other.startUnixNanoseconds {
            return startUnixNanoseconds < other.startUnixNanoseconds
        }
        if traceID.high != other.traceID.high { return traceID.high < other.traceID.high }
        if traceID.low != other.traceID.low { return traceID.low < other.traceID.low }
        return spanID.rawValue < other.spanID.rawValue
    }
}

extension SpanRecord: SlownessRanked {
    /// The order used everywhere for "slowest": longer first, then earlier start, then lower ids.
    static func isSlower(_ a: SpanRecord, than b: SpanRecord) -> Bool {
        SlownessKey(a).isSlower(than: SlownessKey(b))
    }
}
