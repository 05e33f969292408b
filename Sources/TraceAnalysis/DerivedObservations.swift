// DerivedObservations: where the analyzer's counts and durations go: into the series, or into a local batch.

import TraceMetrics

/// Receives what one span adds to derived series. Passed by value, not `inout`: the direct kind is empty,
/// and ThreadSanitizer reports concurrent `inout` accesses to an empty value (which all share one dummy
/// address) as races.
protocol DerivedObservations {
    func increment(_ counter: Counter)
    func observe(_ histogram: Histogram, nanoseconds: UInt64, exemplar: ExemplarSource)
}

/// Straight into the series (live analysis: one span at a time).
struct DirectObservations: DerivedObservations {
    func increment(_ counter: Counter) { counter.increment() }

    func observe(_ histogram: Histogram, nanoseconds: UInt64, exemplar: ExemplarSource) {
        histogram.observe(nanoseconds: nanoseconds, exemplar: exemplar.make())
    }
}

/// Gathered per series and added at the end of a batch (a decoded log block): the decoding threads then touch
/// each shared series once per block instead of once per span, and do not fight over its cache lines.
final class BatchedObservations: DerivedObservations {
    private var counters = ProbingTable<SeriesIdentity, (counter: Counter, count: Int)>()
    private var histograms = ProbingTable<SeriesIdentity, NanosecondObservations<ExemplarSource>>()

    func increment(_ counter: Counter) {
        let identity = SeriesIdentity(counter)
        if !counters.modify(identity, { $0.count += 1 }) { counters.insert((counter, 1), for: identity) }
    }

    func observe(_ histogram: Histogram, nanoseconds: UInt64, exemplar: ExemplarSource) {
        let identity = SeriesIdentity(histogram)
        let found = histograms.modify(identity) { batch in
            batch.observe(nanoseconds, candidate: exemplar) { $0.make() }
        }
        if !found {
            var batch = NanosecondObservations(histogram, candidate: ExemplarSource.self)
            batch.observe(nanoseconds, candidate: exemplar) { $0.make() }
            histograms.insert(batch, for: identity)
        }
    }

    /// Adds everything gathered to the series.
    func commit() {
        counters.forEach { $0.counter.increment(by: $0.count) }
        histograms.forEach { $0.commit { $0.make() } }
    }
}

/// A series object's identity, as a table key.
struct SeriesIdentity: ProbingKey {
    let identifier: ObjectIdentifier

    init(_ series: AnyObject) { identifier = ObjectIdentifier(series) }

    func probingHash(seed: UInt64) -> UInt64 { UInt64(UInt(bitPattern: identifier)) ^ seed }
}
