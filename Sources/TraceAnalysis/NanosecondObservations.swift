// NanosecondObservations: duration observations gathered on one thread and added to a histogram at once.

import TraceMetrics

/// Nanosecond observations of one histogram gathered locally and added in one step: one atomic add per
/// bucket instead of one per observation, so threads deriving metrics side by side do not bounce the series'
/// cache lines between cores. The result is exactly that of observing each value with
/// `Histogram.observe(nanoseconds:exemplar:)`: counts and the integer sum add up the same, and the exemplar
/// kept per bucket is chosen by the same rule (slowest; ties: smaller labels).
///
/// ```swift
/// var batch = NanosecondObservations(latency, candidate: SpanID.self)
/// for span in block { batch.observe(span.durationNanoseconds, candidate: span.spanID, exemplar: makeExemplar) }
/// batch.commit(exemplar: makeExemplar)
/// ```
struct NanosecondObservations<Candidate> {
    let histogram: Histogram
    private var counts: [Int]
    private var sumNanoseconds: UInt64 = 0
    /// Per bucket, the slowest observation so far and what makes its exemplar.
    private var slowest: [(nanoseconds: UInt64, candidate: Candidate)?]

    init(_ histogram: Histogram, candidate: Candidate.Type = Candidate.self) {
        self.histogram = histogram
        counts = Array(repeating: 0, count: histogram.bucketCount)
        slowest = Array(repeating: nil, count: histogram.bucketCount)
    }

    /// Adds `count` observations of the same value (1, or a sampled span's weight); `exemplar` is called only to
    /// break a tie between equally slow candidates.
    mutating func observe(
        _ nanoseconds: UInt64, count: Int = 1, candidate: Candidate, exemplar: (Candidate) -> Exemplar?
    ) {
        let index = histogram.bucketIndex(nanoseconds: nanoseconds)
        counts[index] &+= count
        sumNanoseconds &+= nanoseconds &* UInt64(truncatingIfNeeded: count)
        if let current = slowest[index],
            !Self.replaces(nanoseconds, candidate, current.nanoseconds, current.candidate, exemplar: exemplar)
        {
            return
        }
        slowest[index] = (nanoseconds, candidate)
    }

    /// Whether an observation of `nanoseconds` (from `candidate`) takes a bucket's exemplar from the slowest so
    /// far: it is slower in seconds, or as slow and its exemplar's labels come first. The rule the histogram
    /// applies, so gathered observations keep the exemplar observing one by one would keep.
    @inline(__always)
    static func replaces<Other>(
        _ nanoseconds: UInt64, _ candidate: Other, _ currentNanoseconds: UInt64, _ current: Other,
        exemplar: (Other) -> Exemplar?
    ) -> Bool {
        let order = order(nanoseconds, currentNanoseconds)
        if order != 0 { return order > 0 }
        guard let new = exemplar(candidate) else { return false }
        guard let old = exemplar(current) else { return true }
        return new.labelValues.lexicographicallyPrecedes(old.labelValues)
    }

    /// How `one` compares with `other` as the histogram compares exemplars, in seconds (-1, 0, 1). Below 2^43 ns
    /// (2.4 hours) distinct integers stay distinct after dividing by 1e9, so the integers decide; above, durations
    /// a few nanoseconds apart can divide to the same seconds, and must tie as they do in the histogram.
    @inline(__always)
    static func order(_ one: UInt64, _ other: UInt64) -> Int {
        if one | other < 1 << 43 { return one < other ? -1 : (one == other ? 0 : 1) }
        return orderInSeconds(one, other)
    }

    /// The comparison in seconds, out of line so the common integer path does not pay for the divisions.
    @inline(never)
    static func orderInSeconds(_ one: UInt64, _ other: UInt64) -> Int {
        let seconds = Double(one) / 1_000_000_000
        let otherSeconds = Double(other) / 1_000_000_000
        return seconds < otherSeconds ? -1 : (seconds == otherSeconds ? 0 : 1)
    }

    /// Adds everything observed to the histogram.
    func commit(exemplar: (Candidate) -> Exemplar?) {
        histogram.add(bucketCounts: counts, sumNanoseconds: sumNanoseconds)
        for index in slowest.indices {
            guard let best = slowest[index] else { continue }
            histogram.offerExemplar(bucket: index, nanoseconds: best.nanoseconds) { exemplar(best.candidate) }
        }
    }
}
