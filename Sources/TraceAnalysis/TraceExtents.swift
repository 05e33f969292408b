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
/// let chosen = Set(extents.slowest(10).map(\.traceID))
/// let forest = TraceForest(secondPass.filter { chosen.contains($0.traceID) })
/// ```
public struct TraceExtents: Sendable {
    /// One trace's extent.
    ///
    /// ```swift
    /// if let extent = extents.extent(of: traceID) { print(extent.durationNanoseconds, extent.spanCount) }
    /// ```
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

    fileprivate struct Range {
        var startUnixNanoseconds: UInt64
        var endUnixNanoseconds: UInt64
        var spanCount: Int
    }

    private var ranges: [TraceID: Range] = [:]

    /// Creates an empty set of extents.
    public init() {}

    /// How many distinct traces were seen.
    ///
    /// ```swift
    /// print("\(extents.traceCount) traces")
    /// ```
    public var traceCount: Int { ranges.count }

    /// Widens the extent of the span's trace to cover it.
    ///
    /// ```swift
    /// for span in spans { extents.add(span) }
    /// ```
    public mutating func add(_ span: SpanRecord) {
        add(
            traceID: span.traceID, startUnixNanoseconds: span.startUnixNanoseconds,
            durationNanoseconds: span.durationNanoseconds)
    }

    /// Widens the extents of the traces of every span of `batch`: the same as `add(_:)` on each of its records.
    ///
    /// ```swift
    /// for case .spans(let batch) in try LogBatchReader(path: "app.tklog", attributes: []) { extents.add(batch) }
    /// ```
    public mutating func add(_ batch: SpanBatch) {
        for index in 0..<batch.count {
            add(
                traceID: batch.traceIDs[index], startUnixNanoseconds: batch.startUnixNanoseconds[index],
                durationNanoseconds: batch.durationNanoseconds[index])
        }
    }

    /// The extent of trace `traceID`, `nil` if no span had it.
    ///
    /// ```swift
    /// let duration = extents.extent(of: traceID)?.durationNanoseconds
    /// ```
    public func extent(of traceID: TraceID) -> Extent? {
        ranges[traceID].map { Extent(traceID: traceID, $0) }
    }

    /// The `n` longest traces, slowest first (ties: earlier start, then lower trace id).
    ///
    /// ```swift
    /// let worst = extents.slowest(1).first?.traceID
    /// ```
    public func slowest(_ n: Int) -> [Extent] {
        var heap = SlowestHeap<Extent>(capacity: n)
        for (traceID, range) in ranges { heap.add(Extent(traceID: traceID, range)) }
        return heap.slowestFirst
    }

    private mutating func add(traceID: TraceID, startUnixNanoseconds start: UInt64, durationNanoseconds: UInt64) {
        let sum = start.addingReportingOverflow(durationNanoseconds)
        let end = sum.overflow ? UInt64.max : sum.partialValue
        if let index = ranges.index(forKey: traceID) {
            ranges.values[index].startUnixNanoseconds = min(ranges.values[index].startUnixNanoseconds, start)
            ranges.values[index].endUnixNanoseconds = max(ranges.values[index].endUnixNanoseconds, end)
            ranges.values[index].spanCount += 1
        } else {
            ranges[traceID] = Range(startUnixNanoseconds: start, endUnixNanoseconds: end, spanCount: 1)
        }
    }
}

extension TraceExtents.Extent {
    fileprivate init(traceID: TraceID, _ range: TraceExtents.Range) {
        self.init(
            traceID: traceID, startUnixNanoseconds: range.startUnixNanoseconds,
            endUnixNanoseconds: range.endUnixNanoseconds, spanCount: range.spanCount)
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
