// BatchSelfTimes: self time for a block of spans in finishing order, children linked to parents within the block.

import TraceKit

/// Self time for a batch of spans in the order they finished: the same answer as feeding them one at a time to
/// a `SelfTimeTracker`, for less. A child whose parent finishes later in the same batch is linked to it through a
/// table local to the batch (no eviction bookkeeping, nothing kept afterwards); only children whose parent has
/// not come by the end of the batch go on waiting in the tracker.
///
/// The tracker evicts waiting children beyond its limit, in the order their groups began. The local table does
/// not count towards that limit, so a batch that could reach it goes through the tracker span by span instead,
/// and evictions happen exactly as they would have.
///
/// ```swift
/// var linker = BatchSelfTimes()
/// var selfTimes: [UInt64] = []
/// linker.compute(batch, tracker: &tracker, into: &selfTimes)  // selfTimes[i]: span i's self time
/// ```
struct BatchSelfTimes {
    /// A slot of the parent key table. In use when its stamp is the current batch's, so the table is emptied
    /// between batches by one increment. Slots are never deleted: a parent that arrives marks its slot taken
    /// (`lastChild` -1), and a later child under the same key starts a new group there.
    private struct Slot {
        var traceHigh: UInt64 = 0
        var traceLow: UInt64 = 0
        var parentID: UInt64 = 0
        var stamp: UInt32 = 0
        /// The most recent child linked under this parent; -1 once the parent took its children.
        var lastChild: Int32 = -1
        /// The first child of the current group.
        var firstChild: Int32 = -1
    }

    private var slots: [Slot] = []
    private var stamp: UInt32 = 0
    /// Per span: the child linked under the same parent before it, -1 for none.
    private var previousSibling: [Int32] = []
    /// Groups in the order they began, as (slot, first child): the ones still waiting at the end of the batch are
    /// handed to the tracker in that order, as span-by-span feeding would have created them.
    private var groupsBegun: [(slot: Int, firstChild: Int32)] = []
    /// Children's intervals of a parent with more than two, or with children from earlier batches.
    private var intervals: [NanosecondInterval] = []
    /// Mixed into every hash, so ids chosen by whoever wrote the log cannot aim at one slot.
    private let seed = UInt64.random(in: .min ... .max)

    /// Replaces `nanoseconds` with the self time of every span of `batch`, using and updating `tracker` for
    /// children from earlier batches and parents in later ones.
    mutating func compute(_ batch: SpanBatch, tracker: inout SelfTimeTracker, into nanoseconds: inout [UInt64]) {
        let count = batch.count
        guard tracker.pendingChildIntervalCount + count <= tracker.maxPendingChildIntervals else {
            // The tracker may have to evict during this batch: let it see the spans one by one.
            nanoseconds = (0..<count).map { index in
                tracker.selfTimeNanoseconds(
                    of: SpanTiming(
                        traceID: batch.traceIDs[index], spanID: batch.spanIDs[index],
                        parentSpanID: batch.parentSpanIDs[index],
                        startUnixNanoseconds: batch.startUnixNanoseconds[index],
                        durationNanoseconds: batch.durationNanoseconds[index]))
            }
            return
        }
        prepareTable(for: count)
        nanoseconds = [UInt64](repeating: 0, count: count)
        let stamp = self.stamp
        let seed = self.seed
        var intervals = self.intervals
        var groupsBegun = self.groupsBegun
        // Unsafe buffers: this loop runs once per span, and bounds and uniqueness checks were most of its cost.
        // Every index below is a span index (< count, the size of each buffer) or a slot masked to the table.
        slots.withUnsafeMutableBufferPointer { slots in
            previousSibling.withUnsafeMutableBufferPointer { previousSibling in
                nanoseconds.withUnsafeMutableBufferPointer { selfTimes in
                    let mask = slots.count - 1
                    func probe(_ traceID: TraceID, _ spanID: UInt64) -> (slot: Int, found: Bool) {
                        let hash = SplitMix64.mix(spanID ^ seed ^ traceID.low ^ (traceID.high &* 0x9E37_79B9_7F4A_7C15))
                        var slot = Int(truncatingIfNeeded: hash) & mask
                        while slots[slot].stamp == stamp {
                            if slots[slot].parentID == spanID, slots[slot].traceLow == traceID.low,
                                slots[slot].traceHigh == traceID.high
                            {
                                return (slot, true)
                            }
                            slot = (slot &+ 1) & mask
                        }
                        return (slot, false)
                    }
                    for index in 0..<count {
                        let traceID = batch.traceIDs[index]
                        let spanID = batch.spanIDs[index]
                        let start = batch.startUnixNanoseconds[index]
                        let duration = batch.durationNanoseconds[index]
                        if !intervals.isEmpty { intervals.removeAll(keepingCapacity: true) }
                        if tracker.hasWaitingChildren {
                            tracker.takeWaitingIntervals(traceID: traceID, spanID: spanID, into: &intervals)
                        }
                        // Up to two children are kept here; more, or any from earlier batches, go to `intervals`.
                        var childCount = intervals.count
                        var first = NanosecondInterval(start: 0, end: 0)
                        var second = first
                        let own = probe(traceID, spanID.rawValue)
                        if own.found, slots[own.slot].lastChild >= 0 {
                            var child = Int(slots[own.slot].lastChild)
                            while child >= 0 {
                                let interval = Self.interval(
                                    batch.startUnixNanoseconds[child], batch.durationNanoseconds[child])
                                switch childCount {
                                case 0: first = interval
                                case 1 where intervals.isEmpty: second = interval
                                case 2 where intervals.isEmpty:
                                    intervals.append(first)
                                    intervals.append(second)
                                    intervals.append(interval)
                                default: intervals.append(interval)
                                }
                                childCount += 1
                                child = Int(previousSibling[child])
                            }
                            slots[own.slot].lastChild = -1
                        }
                        switch childCount {
                        case 0: selfTimes[index] = duration
                        case 1 where intervals.isEmpty:
                            selfTimes[index] = IntervalCoverage.selfTime(
                                parentStart: start, parentDuration: duration, child: first)
                        case 2 where intervals.isEmpty:
                            selfTimes[index] = IntervalCoverage.selfTime(
                                parentStart: start, parentDuration: duration, children: first, second)
                        default:
                            selfTimes[index] = IntervalCoverage.selfTime(
                                parentStart: start, parentDuration: duration, children: &intervals)
                        }
                        guard let parentSpanID = batch.parentSpanIDs[index] else {
                            previousSibling[index] = -1
                            continue
                        }
                        let parent = probe(traceID, parentSpanID.rawValue)
                        if parent.found, slots[parent.slot].lastChild >= 0 {
                            previousSibling[index] = slots[parent.slot].lastChild
                        } else {
                            if !parent.found {
                                slots[parent.slot] = Slot(
                                    traceHigh: traceID.high, traceLow: traceID.low, parentID: parentSpanID.rawValue,
                                    stamp: stamp)
                            }
                            previousSibling[index] = -1
                            slots[parent.slot].firstChild = Int32(index)
                            groupsBegun.append((parent.slot, Int32(index)))
                        }
                        slots[parent.slot].lastChild = Int32(index)
                    }
                }
            }
        }
        self.intervals = intervals
        self.groupsBegun = groupsBegun
        handWaitingGroups(of: batch, to: &tracker)
    }

    /// Gives the tracker the children whose parent did not come in the batch, group by group in the order the
    /// groups began.
    private mutating func handWaitingGroups(of batch: SpanBatch, to tracker: inout SelfTimeTracker) {
        var children: [Int] = []
        for (slot, first) in groupsBegun where slots[slot].firstChild == first && slots[slot].lastChild >= 0 {
            children.removeAll(keepingCapacity: true)
            var child = Int(slots[slot].lastChild)
            while child >= 0 {
                children.append(child)
                child = Int(previousSibling[child])
            }
            let traceID = TraceID(high: slots[slot].traceHigh, low: slots[slot].traceLow)
            let parentSpanID = SpanID(rawValue: slots[slot].parentID)
            for child in children.reversed() {
                tracker.rememberChild(
                    Self.interval(batch.startUnixNanoseconds[child], batch.durationNanoseconds[child]),
                    traceID: traceID, parentSpanID: parentSpanID)
            }
        }
        groupsBegun.removeAll(keepingCapacity: true)
    }

    /// Empties the table and sizes it for `count` spans: at most `count` parents, at most half the slots used.
    private mutating func prepareTable(for count: Int) {
        var size = 64
        while size < count * 2 { size <<= 1 }
        if size > slots.count {
            slots = [Slot](repeating: Slot(), count: size)
            stamp = 0
        }
        stamp &+= 1
        if stamp == 0 {
            // After 2^32 batches the stamps wrap: clear them once so no old slot looks current.
            for slot in slots.indices { slots[slot].stamp = 0 }
            stamp = 1
        }
        if previousSibling.count < count { previousSibling = [Int32](repeating: -1, count: count) }
    }

    /// A span's interval, the end saturated as `SpanTiming.interval` does.
    @inline(__always)
    private static func interval(_ start: UInt64, _ duration: UInt64) -> NanosecondInterval {
        let end = start.addingReportingOverflow(duration)
        return NanosecondInterval(start: start, end: end.overflow ? .max : end.partialValue)
    }
}
