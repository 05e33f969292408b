// TraceExtents: how long each trace of a stream lasts, to pick the slowest traces without holding their spans.

import TraceKit

/// The extent (earliest start to latest end) and span count of every trace in a stream of spans.
///
/// A log too large to hold as a `TraceForest` can still show its slowest traces in two passes: the first fills
/// a `TraceExtents`, the second keeps only the spans of the traces `slowest(_:)` chose and builds the forest of
/// those. Memory grows with the number of traces, not with the number of spans: about 100 bytes per trace at
/// the peak while the table grows (1.18 million traces of 10 million spans: 125 MB).
///
/// Traces rank as in `TraceForest.slowestTraces(_:)`: longer first, then earlier start, then lower trace id.
/// The one difference: a span id that occurs twice in a trace (only a damaged or doubly written log has that)
/// counts here with both occurrences, where a `SpanTree` keeps the first.
///
/// ```swift
/// var extents = TraceExtents()
/// for span in firstPass { extents.add(span) }
/// let chosen = Set(extents.slowest(10))
/// let forest = TraceForest(secondPass.filter { chosen.contains($0.traceID) })
/// ```
public struct TraceExtents: Sendable {
    /// One trace's extent.
    public struct Extent: Sendable, Hashable {
        public let traceID: TraceID
        /// The earliest start of its spans.
        public internal(set) var startUnixNanoseconds: UInt64
        /// The latest end of its spans (saturated at `UInt64.max`).
        public internal(set) var endUnixNanoseconds: UInt64
        /// How many spans it had.
        public internal(set) var spanCount: Int

        /// From the earliest start to the latest end.
        public var durationNanoseconds: UInt64 {
            endUnixNanoseconds - min(startUnixNanoseconds, endUnixNanoseconds)
        }
    }

    private struct Range {
        var start: UInt64
        var end: UInt64
        var spanCount: Int
    }

    private var ranges: [TraceID: Range] = [:]

    /// Creates an empty set of extents.
    public init() {}

    /// How many distinct traces were seen.
    public var traceCount: Int { ranges.count }

    /// Widens the extent of the span's trace to cover it.
    public mutating func add(_ span: SpanRecord) {
        add(traceID: span.traceID, start: span.startUnixNanoseconds, duration: span.durationNanoseconds)
    }

    /// Widens the extents of the traces of every span of `batch`: the same as `add(_:)` on each of its records.
    ///
    /// ```swift
    /// for case .spans(let batch) in try LogBatchReader(path: "app.tklog", attributes: []) { extents.add(batch) }
    /// ```
    public mutating func add(_ batch: SpanBatch) {
        for index in 0..<batch.count {
            add(
                traceID: batch.traceIDs[index], start: batch.startUnixNanoseconds[index],
                duration: batch.durationNanoseconds[index])
        }
    }

    /// The extent of trace `traceID`, `nil` if no span had it.
    public func extent(of traceID: TraceID) -> Extent? {
        ranges[traceID].map {
            Extent(
                traceID: traceID, startUnixNanoseconds: $0.start, endUnixNanoseconds: $0.end, spanCount: $0.spanCount)
        }
    }

    /// The `n` longest traces, slowest first (ties: earlier start, then lower trace id).
    ///
    /// ```swift
    /// let worst = extents.slowest(1).first?.traceID
    /// ```
    public func slowest(_ n: Int) -> [Extent] {
        var heap = SlowestHeap<Extent>(capacity: n)
        for (traceID, range) in ranges {
            heap.add(
                Extent(
                    traceID: traceID, startUnixNanoseconds: range.start, endUnixNanoseconds: range.end,
                    spanCount: range.spanCount))
        }
        return heap.slowestFirst
    }

    private mutating func add(traceID: TraceID, start: UInt64, duration: UInt64) {
        let sum = start.addingReportingOverflow(duration)
        let end = sum.overflow ? UInt64.max : sum.partialValue
        if let index = ranges.index(forKey: traceID) {
            ranges.values[index].start = min(ranges.values[index].start, start)
            ranges.values[index].end = max(ranges.values[index].end, end)
            ranges.values[index].spanCount += 1
        } else {
            ranges[traceID] = Range(start: start, end: end, spanCount: 1)
        }
    }
}

extension TraceExtents.Extent: SlownessRanked {
    static func isSlower(_ a: Self, than b: Self) -> Bool {
        let (aDuration, bDuration) = (a.durationNanoseconds, b.durationNanoseconds)
        if aDuration != bDuration { return aDuration > bDuration }
        if a.startUnixNanoseconds != b.startUnixNanoseconds { return a.startUnixNanoseconds < b.startUnixNanoseconds }
        if a.traceID.high != b.traceID.high { return a.traceID.high < b.traceID.high }
        return a.traceID.low < b.traceID.low
    }
}
