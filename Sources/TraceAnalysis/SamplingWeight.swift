// SamplingWeight: how many spans a head-sampled span is counted as in derived counters and histograms.

import TraceKit

/// A sampled span stands for `SpanRecord.adjustedCount` spans (`1 / p` for a trace kept with probability `p`).
/// Counters and histogram buckets count whole spans, so the adjusted count is rounded down or up, up with a
/// probability equal to its fraction, decided by the span id: the derived totals are unbiased estimates of the
/// unsampled totals, the same live and from the log, and exact whole numbers for ratios like 0.1 or 0.25.
enum SamplingWeight {
    /// The whole number of spans the span with `threshold` and `spanID` counts as (1 without sampling).
    @inline(__always)
    static func of(threshold: UInt64, spanID: SpanID) -> Int {
        threshold == 0 ? 1 : weighted(threshold: threshold, spanID: spanID)
    }

    static func weighted(threshold: UInt64, spanID: SpanID) -> Int {
        guard threshold < Sampler.maxThreshold else { return 1 }
        // adjusted count = 2^56 / kept = whole + remainder / kept, all in integers.
        let kept = Sampler.maxThreshold - threshold
        let whole = Sampler.maxThreshold / kept
        let remainder = Sampler.maxThreshold % kept
        // The span id scaled to an evenly spread number below `kept` (a modulo would favour small remainders).
        let draw = kept.multipliedFullWidth(by: spanID.rawValue).high
        return Int(clamping: whole) + (draw < remainder ? 1 : 0)
    }
}
