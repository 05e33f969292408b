// DerivedObservations: where the analyzer's counts and durations go: into the series, or into a local batch.

import TraceMetrics

/// Receives what one span adds to derived series. Passed by value, not `inout`: the direct kind is empty,
/// and ThreadSanitizer reports concurrent `inout` accesses to an empty value (which all share one dummy
/// address) as races.
/// `count` is the span's sampling weight: how many spans it stands for (1 without head sampling).
protocol DerivedObservations {
    func increment(_ counter: Counter, by count: Int)
    func observe(_ histogram: Histogram, nanoseconds: UInt64, count: Int, exemplar: ExemplarSource)
}

/// Straight into the series (live analysis: one span at a time).
struct DirectObservations: DerivedObservations {
    func increment(_ counter: Counter, by count: Int) { counter.increment(by: count) }

    func observe(_ histogram: Histogram, nanoseconds: UInt64, count: Int, exemplar: ExemplarSource) {
        histogram.observe(nanoseconds: nanoseconds, count: count, exemplar: exemplar.make())
    }
}

/// Gathered per series and added at the end of a batch (a decoded log block): the decoding threads then touch
/// each shared series once per block instead of once per span, and do not fight over its cache lines.
final class BatchedObservations: DerivedObservations {
    // The observations live in arrays, mutated in place; the tables only map a series to its position. One
    // thread uses a batch of observations at a time, so Swift's dynamic exclusivity checks are switched off.
    @exclusivity(unchecked) private var counterIndex = ProbingTable<SeriesIdentity, Int>()
    @exclusivity(unchecked) private var counters: [(counter: Counter, count: Int)] = []
    @exclusivity(unchecked) private var histogramIndex = ProbingTable<SeriesIdentity, Int>()
    @exclusivity(unchecked) private var histograms: [NanosecondObservations<ExemplarSource>] = []

    func increment(_ counter: Counter, by count: Int) {
        let identity = SeriesIdentity(counter)
        if let index = counterIndex[identity] {
            counters[index].count += count
        } else {
            counterIndex.insert(counters.count, for: identity)
            counters.append((counter, count))
        }
    }

    func observe(_ histogram: Histogram, nanoseconds: UInt64, count: Int, exemplar: ExemplarSource) {
        let identity = SeriesIdentity(histogram)
        let index: Int
        if let known = histogramIndex[identity] {
            index = known
        } else {
            index = histograms.count
            histogramIndex.insert(index, for: identity)
            histograms.append(NanosecondObservations(histogram, candidate: ExemplarSource.self))
        }
        histograms[index].observe(nanoseconds, count: count, candidate: exemplar) { $0.make() }
    }

    /// Adds everything gathered to the series.
    func commit() {
        for (counter, count) in counters { counter.increment(by: count) }
        for batch in histograms { batch.commit { $0.make() } }
    }
}

/// A series object's identity, as a table key.
struct SeriesIdentity: ProbingKey {
    let identifier: ObjectIdentifier

    init(_ series: AnyObject) { identifier = ObjectIdentifier(series) }

    func probingHash(seed: UInt64) -> UInt64 { UInt64(UInt(bitPattern: identifier)) ^ seed }
}
