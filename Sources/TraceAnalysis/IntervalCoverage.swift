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
        let covered = coveredLength(of: &children, windowStart: parentStart, windowEnd: windowEnd)
        return parentDuration - min(covered, parentDuration)
    }
}

extension SpanRecord {
    /// The span's interval, with the end saturated instead of wrapping on absurd input.
    var interval: NanosecondInterval {
        let end = startUnixNanoseconds.addingReportingOverflow(durationNanoseconds)
        return NanosecondInterval(start: startUnixNanoseconds, end: end.overflow ? UInt64.max : end.partialValue)
    }
}
