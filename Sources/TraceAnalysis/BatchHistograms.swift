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
    /// Where a histogram's ceilings and buckets start in the flat arrays, and its padded bucket count.
    struct Layout {
        var ceilingStart: Int
        var bucketStart: Int
        /// The finite bounds; the histogram's buckets are one more.
        var boundCount: Int
    }

    /// A bucket's count, and its slowest observation with the span it came from (-1: none yet).
    struct Bucket {
        var count = 0
        var slowestNanoseconds: UInt64 = 0
        var slowestSpan: Int32 = -1
    }

    private var index = ProbingTable<SeriesIdentity, Int>()
    private var histograms: [Histogram] = []
    private var layouts: [Layout] = []
    /// The histograms' nanosecond ceilings (see `Histogram.nanosecondCeilings`), padded, one after another.
    private var ceilings: [UInt64] = []
    private var buckets: [Bucket] = []
    private var sums: [UInt64] = []

    /// The position of `histogram` among those gathered, added on first use.
    mutating func position(of histogram: Histogram) -> Int {
        let identity = SeriesIdentity(histogram)
        if let position = index[identity] { return position }
        let position = histograms.count
        index.insert(position, for: identity)
        histograms.append(histogram)
        layouts.append(
            Layout(ceilingStart: ceilings.count, bucketStart: buckets.count, boundCount: histogram.bucketCount - 1))
        sums.append(0)
        ceilings.append(
            contentsOf: UnsafeBufferPointer(start: histogram.nanosecondCeilings, count: histogram.paddedCount))
        buckets.append(contentsOf: repeatElement(Bucket(), count: histogram.bucketCount))
        return position
    }

    /// Adds one observation of span `span` to the histogram at `position`; `exemplar` is called only to break a
    /// tie between equally slow spans.
    mutating func observe(
        _ position: Int, nanoseconds: UInt64, count: Int = 1, span: Int32, exemplar: (Int32) -> Exemplar?
    ) {
        withObserver { $0.observe(position, nanoseconds: nanoseconds, count: count, span: span, exemplar: exemplar) }
    }

    /// Runs `body` with an observer that writes straight into the gathered arrays: for loops over many spans.
    /// No histogram may be added meanwhile (`position(of:)` for every histogram first).
    mutating func withObserver<Result>(_ body: (inout Observer) -> Result) -> Result {
        let layouts = self.layouts
        let ceilings = self.ceilings
        let histograms = self.histograms
        return layouts.withUnsafeBufferPointer { layouts in
            ceilings.withUnsafeBufferPointer { ceilings in
                buckets.withUnsafeMutableBufferPointer { buckets in
                    sums.withUnsafeMutableBufferPointer { sums in
                        var observer = Observer(
                            layouts: layouts, ceilings: ceilings, buckets: buckets, sums: sums, histograms: histograms)
                        return body(&observer)
                    }
                }
            }
        }
    }

    /// Adds everything gathered to the histograms.
    func commit(exemplar: (Int32) -> Exemplar?) {
        for (position, histogram) in histograms.enumerated() {
            let start = layouts[position].bucketStart
            let bucketCount = histogram.bucketCount
            histogram.add(
                bucketCounts: buckets[start..<start + bucketCount].map(\.count), sumNanoseconds: sums[position])
            for bucket in 0..<bucketCount where buckets[start + bucket].slowestSpan >= 0 {
                let slowest = buckets[start + bucket]
                histogram.offerExemplar(bucket: bucket, nanoseconds: slowest.slowestNanoseconds) {
                    exemplar(slowest.slowestSpan)
                }
            }
        }
    }

    /// Observes into the arrays of a `BatchHistograms` through pointers, without checks per observation. Every
    /// position it is given comes from `position(of:)`, and its buckets and ceilings lie within the arrays.
    struct Observer {
        let layouts: UnsafeBufferPointer<Layout>
        let ceilings: UnsafeBufferPointer<UInt64>
        let buckets: UnsafeMutableBufferPointer<Bucket>
        let sums: UnsafeMutableBufferPointer<UInt64>
        let histograms: [Histogram]

        /// `count` observations of one value (1, or a sampled span's weight).
        @inline(__always)
        func observe(
            _ position: Int, nanoseconds: UInt64, count: Int = 1, span: Int32, exemplar: (Int32) -> Exemplar?
        ) {
            let layout = layouts[position]
            var bucket: Int
            if nanoseconds != .max {
                // The search `Histogram.bucketIndex(nanoseconds:)` does, on the copied ceilings.
                // Counted, not searched: durations are random, and the compiler turns every form of a branch-free
                // binary search back into branches, whose mispredictions cost more than the rest of the
                // observation. Counting the ceilings at or below the duration is a few compare-and-adds.
                let ceilings = UnsafeBufferPointer(
                    rebasing: self.ceilings[layout.ceilingStart..<layout.ceilingStart &+ layout.boundCount])
                bucket = 0
                for ceiling in ceilings { bucket &+= Int(unsafeBitCast(ceiling <= nanoseconds, to: UInt8.self)) }
            } else {
                bucket = histograms[position].bucketIndex(nanoseconds: nanoseconds)
            }
            bucket &+= layout.bucketStart
            buckets[bucket].count &+= count
            sums[position] &+= nanoseconds &* UInt64(truncatingIfNeeded: count)
            let current = buckets[bucket].slowestSpan
            if current >= 0,
                !NanosecondObservations<Int32>.replaces(
                    nanoseconds, span, buckets[bucket].slowestNanoseconds, current, exemplar: exemplar)
            {
                return
            }
            buckets[bucket].slowestNanoseconds = nanoseconds
            buckets[bucket].slowestSpan = span
        }
    }
}
