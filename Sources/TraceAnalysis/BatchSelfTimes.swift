// BatchSelfTimes: self time for a block of spans in finishing order, children linked to parents within the block.

import TraceKit
import TraceSync

/// Self time for a batch of spans in the order they finished: the same answer as feeding them one at a time to
/// a `SelfTimeTracker`, for less. A child whose parent finishes later in the same batch is linked to it through a
/// small table of open parents local to the batch (no eviction bookkeeping); only children whose parent has not
/// come by the end of the batch go on waiting in the tracker.
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
    /// A parent that children in the batch named and that has not come yet: open addressing with linear probing
    /// and backward-shift deletion. A parent that arrives takes its slot out, so the table holds only the parents
    /// still open (a few per concurrent trace) and stays small enough for the first-level cache.
    private struct Slot {
        var traceHigh: UInt64 = 0
        var traceLow: UInt64 = 0
        var parentID: UInt64 = 0
        /// The most recent child linked under this parent.
        var lastChild: Int32 = -1
        /// The first child: groups still open at the end are handed to the tracker in the order they began.
        var firstChild: Int32 = -1
        var occupied = false
    }

    private var slots = [Slot](repeating: Slot(), count: 256)
    private var occupiedCount = 0
    /// Per span: the child linked under the same parent before it, -1 for none.
    private var previousSibling: [Int32] = []
    /// Children's intervals of a parent with more than two, or with children from earlier batches.
    private var intervals: [NanosecondInterval] = []
    /// Seeded, so ids chosen by whoever wrote the log cannot aim at one slot.
    private let hash = SpanKeyHash(seed: .random(in: .min ... .max))
    /// The bits of the filter of waiting parents, from their span ids.
    private let filterSeed = UInt64.random(in: .min ... .max)
    /// The most parents open at once in the last batch, to give back a table grown by an unusual block.
    private var peakOccupied = 0

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
        if previousSibling.count < count { previousSibling = [Int32](repeating: -1, count: count) }
        tracker.shrinkIfSparse()
        nanoseconds = [UInt64](repeating: 0, count: count)
        var intervals = self.intervals
        // The parents the tracker holds children for, as bits of their span ids: a span whose bit is clear has no
        // children waiting there, which spares most spans the lookup. Within the batch the tracker only loses
        // waiting parents, so the bits stay a superset.
        var waitingBits = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        func bit(_ spanID: SpanID) -> (word: Int, mask: UInt64) {
            let mixed = SplitMix64.mix(spanID.rawValue ^ filterSeed)
            return (Int(mixed >> 62), 1 << (mixed & 63))
        }
        if tracker.waitingParentCount <= 64 {
            tracker.forEachWaitingParent { spanID in
                let (word, mask) = bit(spanID)
                switch word {
                case 0: waitingBits.0 |= mask
                case 1: waitingBits.1 |= mask
                case 2: waitingBits.2 |= mask
                default: waitingBits.3 |= mask
                }
            }
        } else {
            // Many waiting parents would set most bits anyway; and walking the tracker's table costs its size.
            waitingBits = (.max, .max, .max, .max)
        }
        func mayWait(_ spanID: SpanID) -> Bool {
            let (word, mask) = bit(spanID)
            switch word {
            case 0: return waitingBits.0 & mask != 0
            case 1: return waitingBits.1 & mask != 0
            case 2: return waitingBits.2 & mask != 0
            default: return waitingBits.3 & mask != 0
            }
        }
        nanoseconds.withUnsafeMutableBufferPointer { selfTimes in
            for index in 0..<count {
                let traceID = batch.traceIDs[index]
                let spanID = batch.spanIDs[index]
                let start = batch.startUnixNanoseconds[index]
                let duration = batch.durationNanoseconds[index]
                if !intervals.isEmpty { intervals.removeAll(keepingCapacity: true) }
                if tracker.hasWaitingChildren, mayWait(spanID) {
                    tracker.takeWaitingIntervals(traceID: traceID, spanID: spanID, into: &intervals)
                }
                // Up to two children are kept here; more, or any from earlier batches, go to `intervals`.
                var childCount = intervals.count
                var first = NanosecondInterval(start: 0, end: 0)
                var second = first
                if occupiedCount > 0 {
                    let own = probe(traceID, spanID.rawValue)
                    if own.found {
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
                        delete(own.slot)
                    }
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
                guard let parentSpanID = batch.parentSpanIDs[index] else { continue }
                let parent = probe(traceID, parentSpanID.rawValue)
                if parent.found {
                    previousSibling[index] = slots[parent.slot].lastChild
                    slots[parent.slot].lastChild = Int32(index)
                } else {
                    previousSibling[index] = -1
                    insert(
                        Slot(
                            traceHigh: traceID.high, traceLow: traceID.low, parentID: parentSpanID.rawValue,
                            lastChild: Int32(index), firstChild: Int32(index), occupied: true),
                        at: parent.slot)
                }
            }
        }
        self.intervals = intervals
        handWaitingGroups(of: batch, to: &tracker)
    }

    /// Gives the tracker the children whose parent did not come in the batch, group by group in the order the
    /// groups began, and empties the table.
    private mutating func handWaitingGroups(of batch: SpanBatch, to tracker: inout SelfTimeTracker) {
        defer {
            // A table grown by a block with unusually many open parents goes back to its usual size, so later
            // blocks do not pay for walking it.
            if slots.count > 256, peakOccupied * 8 < slots.count {
                slots = [Slot](repeating: Slot(), count: 256)
                occupiedCount = 0
            }
            peakOccupied = occupiedCount
        }
        guard occupiedCount > 0 else { return }
        let waiting = slots.filter(\.occupied).sorted { $0.firstChild < $1.firstChild }
        var children: [Int] = []
        for group in waiting {
            children.removeAll(keepingCapacity: true)
            var child = Int(group.lastChild)
            while child >= 0 {
                children.append(child)
                child = Int(previousSibling[child])
            }
            let traceID = TraceID(high: group.traceHigh, low: group.traceLow)
            let parentSpanID = SpanID(rawValue: group.parentID)
            for child in children.reversed() {
                tracker.rememberChild(
                    Self.interval(batch.startUnixNanoseconds[child], batch.durationNanoseconds[child]),
                    traceID: traceID, parentSpanID: parentSpanID)
            }
        }
        for slot in slots.indices { slots[slot].occupied = false }
        occupiedCount = 0
    }

    @inline(__always)
    private func home(_ traceLow: UInt64, _ traceHigh: UInt64, _ spanID: UInt64) -> Int {
        Int(truncatingIfNeeded: hash(TraceID(high: traceHigh, low: traceLow), spanID)) & (slots.count - 1)
    }

    /// The slot holding the key (trace, span id), or the free slot where it would go.
    @inline(__always)
    private func probe(_ traceID: TraceID, _ spanID: UInt64) -> (slot: Int, found: Bool) {
        let mask = slots.count - 1
        var slot = home(traceID.low, traceID.high, spanID)
        while slots[slot].occupied {
            if slots[slot].parentID == spanID, slots[slot].traceLow == traceID.low,
                slots[slot].traceHigh == traceID.high
            {
                return (slot, true)
            }
            slot = (slot &+ 1) & mask
        }
        return (slot, false)
    }

    private mutating func insert(_ entry: Slot, at slot: Int) {
        slots[slot] = entry
        occupiedCount += 1
        peakOccupied = max(peakOccupied, occupiedCount)
        guard occupiedCount * 2 > slots.count else { return }
        // More parents open at once than expected: double the table, placing every entry again.
        let old = slots.filter(\.occupied)
        slots = [Slot](repeating: Slot(), count: slots.count * 2)
        for entry in old {
            let place = probe(TraceID(high: entry.traceHigh, low: entry.traceLow), entry.parentID)
            slots[place.slot] = entry
        }
    }

    /// Empties `removed`, shifting later entries of its probe run back so every key stays findable.
    private mutating func delete(_ removed: Int) {
        let mask = slots.count - 1
        var hole = removed
        slots[hole].occupied = false
        occupiedCount -= 1
        var slot = (hole + 1) & mask
        while slots[slot].occupied {
            let wanted = home(slots[slot].traceLow, slots[slot].traceHigh, slots[slot].parentID)
            if (hole - wanted) & mask <= (slot - wanted) & mask {
                slots[hole] = slots[slot]
                slots[slot].occupied = false
                hole = slot
            }
            slot = (slot + 1) & mask
        }
    }

    /// A span's interval, the end saturated as `SpanTiming.interval` does.
    @inline(__always)
    private static func interval(_ start: UInt64, _ duration: UInt64) -> NanosecondInterval {
        let end = start.addingReportingOverflow(duration)
        return NanosecondInterval(start: start, end: end.overflow ? .max : end.partialValue)
    }
}
