// SelfTimeTracker: streaming self time, for spans fed one at a time in the order they finish.

import TraceKit

/// Computes each span's self (exclusive) time from the children that finished before it, one span at a time.
///
/// Self time is the span's duration minus the length of the union of its children's intervals intersected
/// with the span's own interval: concurrent children that overlap count once, and the part of a child
/// outside its parent does not count. Spans usually finish after their children (sinks and the log see
/// them in finishing order), so the tracker remembers each finished span's interval under its parent's id
/// until the parent arrives. A child that finishes *after* its parent was fed is not subtracted; build a
/// `TraceForest` from the whole trace for the exact answer in that case.
///
/// Memory is bounded: at most `maxPendingChildIntervals` child intervals wait for their parents. Beyond
/// that the oldest waiting groups are dropped (their parents then get a larger self time), and
/// `evictedChildIntervalCount` counts them. Children of parents that never arrive (lost in a damaged log
/// block, or finishing after their parent) are what fills this buffer.
///
/// ```swift
/// var tracker = SelfTimeTracker()
/// for span in spansInFinishingOrder {
///     let exclusive = tracker.selfTimeNanoseconds(of: span)
/// }
/// ```
public struct SelfTimeTracker: Sendable {
    private struct ParentKey: ProbingKey, Sendable {
        var traceID: TraceID
        var spanID: SpanID

        // Both ids, folded in under the seed: many traces can name the same parent span id (a remote parent in
        // `traceparent`), and ids a log's writer picks must not aim at one slot.
        func probingHash(seed: UInt64) -> UInt64 {
            SpanKeyHash.hash(traceID, spanID.rawValue, seed: seed)
        }
    }

    /// The intervals of a parent's finished children: most parents have a few, kept inline without an array.
    private struct WaitingChildren: Sendable {
        var first: NanosecondInterval
        var second = NanosecondInterval(start: 0, end: 0)
        var third = NanosecondInterval(start: 0, end: 0)
        var more: [NanosecondInterval] = []
        var count = 1
        var generation: UInt64

        init(_ interval: NanosecondInterval, generation: UInt64) {
            first = interval
            self.generation = generation
        }

        mutating func append(_ interval: NanosecondInterval) {
            switch count {
            case 1: second = interval
            case 2: third = interval
            default: more.append(interval)
            }
            count += 1
        }

        var intervals: [NanosecondInterval] {
            [first, second, third].prefix(count) + more
        }
    }

    /// The most child intervals kept while their parents have not arrived.
    public let maxPendingChildIntervals: Int
    /// Child intervals dropped because the buffer was full.
    public private(set) var evictedChildIntervalCount: UInt64 = 0
    /// Child intervals currently waiting for their parent.
    public private(set) var pendingChildIntervalCount = 0

    private var waiting = ProbingTable<ParentKey, WaitingChildren>()
    private var arrivalOrder: [(key: ParentKey, generation: UInt64)] = []
    private var arrivalHead = 0
    private var nextGeneration: UInt64 = 0

    /// Creates a tracker that keeps at most `maxPendingChildIntervals` (at least 1) waiting child intervals.
    public init(maxPendingChildIntervals: Int = 1_000_000) {
        self.maxPendingChildIntervals = max(1, maxPendingChildIntervals)
    }

    /// Returns `span`'s self time from the children seen so far, then remembers `span` as a child of its parent.
    ///
    /// ```swift
    /// let exclusive = tracker.selfTimeNanoseconds(of: finishedSpan)
    /// ```
    public mutating func selfTimeNanoseconds(of span: SpanRecord) -> UInt64 {
        selfTimeNanoseconds(of: SpanTiming(span))
    }

    /// The same from the few fields self time needs, so callers can leave the whole record outside a lock.
    mutating func selfTimeNanoseconds(of span: SpanTiming) -> UInt64 {
        var selfTime = span.durationNanoseconds
        let key = ParentKey(traceID: span.traceID, spanID: span.spanID)
        if let children = waiting.removeValue(for: key) {
            pendingChildIntervalCount -= children.count
            selfTime = Self.selfTime(of: span, children: children)
        }
        if let parentSpanID = span.parentSpanID {
            remember(span.interval, under: ParentKey(traceID: span.traceID, spanID: parentSpanID))
        }
        return selfTime
    }

    /// Whether any child interval waits for its parent.
    var hasWaitingChildren: Bool { waiting.count > 0 }

    /// How many parents children wait for.
    var waitingParentCount: Int { waiting.count }

    /// Gives back the room of a table that grew while many children waited (children of parents that never
    /// came) and has emptied out since.
    mutating func shrinkIfSparse() {
        waiting.shrinkIfSparse()
    }

    /// Calls `body` with the span id of every parent that children wait for.
    func forEachWaitingParent(_ body: (SpanID) -> Void) {
        waiting.forEachKey { body($0.spanID) }
    }

    /// Removes the intervals of the children waiting for span `spanID` of `traceID`, appending them to
    /// `intervals`; what `selfTimeNanoseconds(of:)` does first, for a caller that adds children of its own.
    mutating func takeWaitingIntervals(
        traceID: TraceID, spanID: SpanID, into intervals: inout [NanosecondInterval]
    ) {
        guard let children = waiting.removeValue(for: ParentKey(traceID: traceID, spanID: spanID)) else { return }
        pendingChildIntervalCount -= children.count
        intervals.append(children.first)
        if children.count > 1 { intervals.append(children.second) }
        if children.count > 2 { intervals.append(children.third) }
        intervals.append(contentsOf: children.more)
    }

    /// Remembers a child's interval until its parent, span `parentSpanID` of `traceID`, arrives; what
    /// `selfTimeNanoseconds(of:)` does last. Evicts the oldest waiting groups beyond the limit.
    mutating func rememberChild(_ interval: NanosecondInterval, traceID: TraceID, parentSpanID: SpanID) {
        remember(interval, under: ParentKey(traceID: traceID, spanID: parentSpanID))
    }

    /// The span's duration minus the part its children cover; no allocation for one or two children.
    private static func selfTime(of span: SpanTiming, children: WaitingChildren) -> UInt64 {
        let start = span.startUnixNanoseconds
        let duration = span.durationNanoseconds
        switch children.count {
        case 1: return IntervalCoverage.selfTime(parentStart: start, parentDuration: duration, child: children.first)
        case 2:
            return IntervalCoverage.selfTime(
                parentStart: start, parentDuration: duration, children: children.first, children.second)
        default:
            var intervals = children.intervals
            return IntervalCoverage.selfTime(parentStart: start, parentDuration: duration, children: &intervals)
        }
    }

    private mutating func remember(_ interval: NanosecondInterval, under key: ParentKey) {
        if !waiting.modify(key, { $0.append(interval) }) {
            waiting.insert(WaitingChildren(interval, generation: nextGeneration), for: key)
            arrivalOrder.append((key, nextGeneration))
            nextGeneration &+= 1
        }
        pendingChildIntervalCount += 1
        while pendingChildIntervalCount > maxPendingChildIntervals, arrivalHead < arrivalOrder.count {
            let oldest = arrivalOrder[arrivalHead]
            arrivalHead += 1
            if let group = waiting[oldest.key], group.generation == oldest.generation {
                _ = waiting.removeValue(for: oldest.key)
                pendingChildIntervalCount -= group.count
                evictedChildIntervalCount &+= UInt64(group.count)
            }
        }
        compactArrivalOrderIfMostlyConsumed()
    }

    /// Keeps the arrival queue proportional to the waiting groups: entries for parents that already arrived
    /// are stale, and without this the queue would grow with the number of spans.
    private mutating func compactArrivalOrderIfMostlyConsumed() {
        guard arrivalOrder.count > 2 * waiting.count + 1024 else { return }
        arrivalOrder = arrivalOrder[arrivalHead...].filter { entry in
            waiting[entry.key]?.generation == entry.generation
        }
        arrivalHead = 0
    }
}

/// The ids and interval of a span: what self time needs, copied without retaining the record's strings.
struct SpanTiming: Sendable {
    var traceID: TraceID
    var spanID: SpanID
    var parentSpanID: SpanID?
    var startUnixNanoseconds: UInt64
    var durationNanoseconds: UInt64

    init(
        traceID: TraceID, spanID: SpanID, parentSpanID: SpanID?, startUnixNanoseconds: UInt64,
        durationNanoseconds: UInt64
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.startUnixNanoseconds = startUnixNanoseconds
        self.durationNanoseconds = durationNanoseconds
    }

    init(_ span: some SpanFields) {
        traceID = span.traceID
        spanID = span.spanID
        parentSpanID = span.parentSpanID
        startUnixNanoseconds = span.startUnixNanoseconds
        durationNanoseconds = span.durationNanoseconds
    }

    var interval: NanosecondInterval {
        let end = startUnixNanoseconds.addingReportingOverflow(durationNanoseconds)
        return NanosecondInterval(start: startUnixNanoseconds, end: end.overflow ? UInt64.max : end.partialValue)
    }
}
