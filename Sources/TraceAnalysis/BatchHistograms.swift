// BatchHistograms: duration observations of a batch gathered in flat arrays, then added to their histograms.

import TraceMetrics

/// Nanosecond observations for several histograms, gathered in flat arrays (no array per histogram, no reference
/// counting per observation) and added to the histograms by `commit`. The exemplar candidate of each bucket is
/// the index of a span in the batch; the result is exactly that of `Histogram.observe(nanoseconds:exemplar:)` per
/// observation, as for `NanosecondObservations`.
///
/// ```swift
/// var gathered = BatchHistograms()
/// let latency = gathered.position(of: histogram)
/// gathered.observe(latency, nanoseconds: 1_500_000, span: 0) { span in exemplar(of: span) }
/// gathered.commit { span in exemplar(of: span) }
/// ```
struct BatchHistograms {
    private var index = ProbingTable<SeriesIdentity, Int>()
    private var histograms: [Histogram] = []
    /// Per histogram: where its ceilings and buckets start in the flat arrays, and its padded bucket count.
    private var ceilingStarts: [Int] = []
    private var bucketStarts: [Int] = []
    private var paddedCounts: [Int] = []
    private var sums: [UInt64] = []
    /// The histograms' nanosecond ceilings (see `Histogram.nanosecondCeilings`), padded, one after another.
    private var ceilings: [UInt64] = []
    /// Per bucket of every histogram: the count, and the slowest observation with its span (-1: none yet).
    private var counts: [Int] = []
    private var slowestNanoseconds: [UInt64] = []
    private var slowestSpans: [Int32] = []

    /// The position of `histogram` among those gathered, added on first use.
    mutating func position(of histogram: Histogram) -> Int {
        let identity = SeriesIdentity(histogram)
        if let position = index[identity] { return position }
        let position = histograms.count
        index.insert(position, for: identity)
        histograms.append(histogram)
        ceilingStarts.append(ceilings.count)
        bucketStarts.append(counts.count)
        paddedCounts.append(histogram.paddedCount)
        sums.append(0)
        ceilings.append(
            contentsOf: UnsafeBufferPointer(start: histogram.nanosecondCeilings, count: histogram.paddedCount))
        counts.append(contentsOf: repeatElement(0, count: histogram.bucketCount))
        slowestNanoseconds.append(contentsOf: repeatElement(0, count: histogram.bucketCount))
        slowestSpans.append(contentsOf: repeatElement(-1, count: histogram.bucketCount))
        return position
    }

    /// Adds one observation of span `span` to the histogram at `position`; `exemplar` is called only to break a
    /// tie between equally slow spans.
    @inline(__always)
    mutating func observe(
        _ position: Int, nanoseconds: UInt64, span: Int32, exemplar: (Int32) -> Exemplar?
    ) {
        var bucket: Int
        if nanoseconds != .max {
            // The search `Histogram.bucketIndex(nanoseconds:)` does, on the copied ceilings.
            let base = ceilingStarts[position]
            bucket = 0
            var step = paddedCounts[position] >> 1
            while step > 0 {
                bucket &+= ceilings[base &+ bucket &+ step &- 1] <= nanoseconds ? step : 0
                step >>= 1
            }
        } else {
            bucket = histograms[position].bucketIndex(nanoseconds: nanoseconds)
        }
        bucket &+= bucketStarts[position]
        counts[bucket] &+= 1
        sums[position] &+= nanoseconds
        let current = slowestSpans[bucket]
        if current >= 0 {
            let order = NanosecondObservations<Int32>.order(nanoseconds, slowestNanoseconds[bucket])
            if order < 0 { return }
            if order == 0 {
                guard let new = exemplar(span) else { return }
                if let old = exemplar(current), !new.labelValues.lexicographicallyPrecedes(old.labelValues) { return }
            }
        }
        slowestNanoseconds[bucket] = nanoseconds
        slowestSpans[bucket] = span
    }

    /// Adds everything gathered to the histograms.
    func commit(exemplar: (Int32) -> Exemplar?) {
        for (position, histogram) in histograms.enumerated() {
            let start = bucketStarts[position]
            let bucketCount = histogram.bucketCount
            histogram.add(bucketCounts: Array(counts[start..<start + bucketCount]), sumNanoseconds: sums[position])
            for bucket in 0..<bucketCount where slowestSpans[start + bucket] >= 0 {
                let span = slowestSpans[start + bucket]
                histogram.offerExemplar(bucket: bucket, nanoseconds: slowestNanoseconds[start + bucket]) {
                    exemplar(span)
                }
            }
        }
    }
}
