// IntervalCoverage: how much of a parent span's interval its children cover, the basis of self time.

import TraceKit

/// A half-open time interval `[start, end)` in Unix nanoseconds.
struct NanosecondInterval: Hashable, Sendable {
    var start: UInt64
    var end: UInt64
}

enum IntervalCoverage {
    /// The length of the union of `intervals`, each first intersected with `[windowStart, windowEnd)`.
    ///
    /// Overlapping intervals (concurrent children) count once. Sorts `intervals` in place.
    static func coveredLength(of intervals: inout [NanosecondInterval], windowStart: UInt64, windowEnd: UInt64)
        -> UInt64
    {
        guard windowEnd > windowStart, !intervals.isEmpty else { return 0 }
        intervals.sort { $0.start < $1.start }
        var covered: UInt64 = 0
        var runStart: UInt64 = 0
        var runEnd: UInt64 = 0
        var hasRun = false
        for interval in intervals {
            let start = max(interval.start, windowStart)
            let end = min(interval.end, windowEnd)
            guard end > start else { continue }
            if hasRun, start <= runEnd {
                runEnd = max(runEnd, end)
            } else {
                if hasRun { covered += runEnd - runStart }
                runStart = start
                runEnd = end
                hasRun = true
            }
        }
        if hasRun { covered += runEnd - runStart }
        return covered
    }

    /// Self time: the parent's duration minus the part of it covered by its children.
    static func selfTime(
        parentStart: UInt64,
        parentDuration: UInt64,
        children: inout [NanosecondInterval]
    ) -> UInt64 {
        let parentEnd = parentStart.addingReportingOverflow(parentDuration)
        let windowEnd = parentEnd.overflow ? UInt64.max : parentEnd.partialValue
        switch children.count {
        case 1: return selfTime(parentStart: parentStart, parentDuration: parentDuration, child: children[0])
        case 2:
            return selfTime(
                parentStart: parentStart, parentDuration: parentDuration, children: children[0], children[1])
        default: break
        }
        let covered = coveredLength(of: &children, windowStart: parentStart, windowEnd: windowEnd)
        return parentDuration - min(covered, parentDuration)
    }
}

extension IntervalCoverage {
    /// Self time with one child: no array, no sort.
    @inline(__always)
    static func selfTime(parentStart: UInt64, parentDuration: UInt64, child: NanosecondInterval) -> UInt64 {
        let child = clipped(child, parentStart: parentStart, parentDuration: parentDuration)
        return parentDuration - min(child.end > child.start ? child.end - child.start : 0, parentDuration)
    }

    /// Self time with two children, which may overlap: no array, no sort.
    @inline(__always)
    static func selfTime(
        parentStart: UInt64, parentDuration: UInt64, children one: NanosecondInterval, _ two: NanosecondInterval
    ) -> UInt64 {
        let one = clipped(one, parentStart: parentStart, parentDuration: parentDuration)
        let two = clipped(two, parentStart: parentStart, parentDuration: parentDuration)
        let lengthOne = one.end > one.start ? one.end - one.start : 0
        let lengthTwo = two.end > two.start ? two.end - two.start : 0
        let overlapStart = max(one.start, two.start)
        let overlapEnd = min(one.end, two.end)
        let overlap = lengthOne > 0 && lengthTwo > 0 && overlapEnd > overlapStart ? overlapEnd - overlapStart : 0
        return parentDuration - min(lengthOne - overlap + lengthTwo, parentDuration)
    }

    /// `child` intersected with the parent's interval (its end saturated); may come out empty.
    @inline(__always)
    private static func clipped(_ child: NanosecondInterval, parentStart: UInt64, parentDuration: UInt64)
        -> NanosecondInterval
    {
        let parentEnd = parentStart.addingReportingOverflow(parentDuration)
        return NanosecondInterval(
            start: max(child.start, parentStart),
            end: min(child.end, parentEnd.overflow ? .max : parentEnd.partialValue))
    }
}

extension SpanRecord {
    /// The span's interval, with the end saturated instead of wrapping on absurd input.
    var interval: NanosecondInterval {
        let end = startUnixNanoseconds.addingReportingOverflow(durationNanoseconds)
        return NanosecondInterval(start: startUnixNanoseconds, end: end.overflow ? UInt64.max : end.partialValue)
    }
}
