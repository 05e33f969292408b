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

    /// The kept spans, slowest first.
    public var spans: [SpanRecord] { heap.slowestFirst }
}

extension SpanRecord: SlownessRanked {
    /// The order used everywhere for "slowest": longer first, then earlier start, then lower ids.
    static func isSlower(_ a: SpanRecord, than b: SpanRecord) -> Bool {
        if a.durationNanoseconds != b.durationNanoseconds { return a.durationNanoseconds > b.durationNanoseconds }
        if a.startUnixNanoseconds != b.startUnixNanoseconds { return a.startUnixNanoseconds < b.startUnixNanoseconds }
        if a.traceID.high != b.traceID.high { return a.traceID.high < b.traceID.high }
        if a.traceID.low != b.traceID.low { return a.traceID.low < b.traceID.low }
        return a.spanID.rawValue < b.spanID.rawValue
    }
}
