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
    private struct ParentKey: Hashable, Sendable {
        var traceID: TraceID
        var spanID: SpanID
    }

    private struct WaitingChildren: Sendable {
        var intervals: [NanosecondInterval]
        var generation: UInt64
    }

    /// The most child intervals kept while their parents have not arrived.
    public let maxPendingChildIntervals: Int
    /// Child intervals dropped because the buffer was full.
    public private(set) var evictedChildIntervalCount: UInt64 = 0
    /// Child intervals currently waiting for their parent.
    public private(set) var pendingChildIntervalCount = 0

    private var waiting: [ParentKey: WaitingChildren] = [:]
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
        var selfTime = span.durationNanoseconds
        let key = ParentKey(traceID: span.traceID, spanID: span.spanID)
        if var children = waiting.removeValue(forKey: key) {
            pendingChildIntervalCount -= children.intervals.count
            selfTime = IntervalCoverage.selfTime(
                parentStart: span.startUnixNanoseconds,
                parentDuration: span.durationNanoseconds,
                children: &children.intervals
            )
        }
        if let parentSpanID = span.parentSpanID {
            remember(span.interval, under: ParentKey(traceID: span.traceID, spanID: parentSpanID))
        }
        return selfTime
    }

    private mutating func remember(_ interval: NanosecondInterval, under key: ParentKey) {
        if waiting[key] != nil {
            waiting[key]?.intervals.append(interval)
        } else {
            waiting[key] = WaitingChildren(intervals: [interval], generation: nextGeneration)
            arrivalOrder.append((key, nextGeneration))
            nextGeneration &+= 1
        }
        pendingChildIntervalCount += 1
        while pendingChildIntervalCount > maxPendingChildIntervals, arrivalHead < arrivalOrder.count {
            let oldest = arrivalOrder[arrivalHead]
            arrivalHead += 1
            if let group = waiting[oldest.key], group.generation == oldest.generation {
                waiting[oldest.key] = nil
                pendingChildIntervalCount -= group.intervals.count
                evictedChildIntervalCount &+= UInt64(group.intervals.count)
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
