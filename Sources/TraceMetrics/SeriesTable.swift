// The series of one metric family, keyed by label values, with a series limit and an overflow series.

import Synchronization
import TraceSync

/// One series and what rendering it needs, computed once when the series is created. A class, so lookups and
/// renders pass one reference around instead of retaining four fields of a struct copy.
final class SeriesEntry: Sendable {
    /// Label values in the family's sorted label-name order; `["true"]` for the overflow series.
    let labelValues: [String]
    /// Label names matching `labelValues` (the family's names, or `otel_metric_overflow`).
    let labelNames: [String]
    /// `name="value",...` escaped, without braces; empty for an unlabelled series.
    let renderedLabels: [UInt8]
    /// Unix seconds when the series was created, for `_created`.
    let createdSeconds: Double
    /// `createdSeconds` as written in a `_created` sample, rendered once (it never changes).
    let createdText: [UInt8]
    /// Always of the family's series class (see `SeriesTable.makeSeries`).
    let series: any AnyObject & Sendable

    init(
        labelValues: [String], labelNames: [String], renderedLabels: [UInt8], createdSeconds: Double,
        series: any AnyObject & Sendable
    ) {
        self.labelValues = labelValues
        self.labelNames = labelNames
        self.renderedLabels = renderedLabels
        self.createdSeconds = createdSeconds
        var text = ExpositionBuffer(reservingCapacity: 24)
        text.append(sampleValue: createdSeconds)
        createdText = text.bytes
        self.series = series
    }
}

/// Holds a family's series. Lookups take a mutex; pre-bound handles never come here again.
/// Not generic, so the lookup path runs specialised code with no runtime generic-metadata lookups.
final class SeriesTable: Sendable {
    /// The OpenTelemetry attribute `otel.metric.overflow`, spelled as a Prometheus label.
    static var overflowLabelName: String { "otel_metric_overflow" }

    let metricName: String
    let labelNames: [String]
    let seriesLimit: Int
    let clock: MetricsClock
    let makeSeries: @Sendable () -> any AnyObject & Sendable
    private let state: Locked<State>
    private let overflowLookups = Atomic<Int>(0)
    /// Random per table, so label values cannot be chosen ahead of time to collide.
    private let hashSeed = UInt64.random(in: .min ... .max)
    /// All ones; tests set it to 0 so every label set collides and the collision path is exercised.
    private let hashMask: UInt64

    private struct State {
        /// Series by the hash of their label values.
        var byHash: [Int: SeriesEntry] = [:]
        /// Further series whose hash is already taken in `byHash` (rare: 64-bit hash collisions).
        var collisions: [Int: [SeriesEntry]] = [:]
        /// Every series sorted by label values, then the overflow series (if any) last: it is made only once
        /// the table is full, after which no other series is ever added.
        var sorted: [SeriesEntry] = []
        var overflow: SeriesEntry?
    }

    init(
        metricName: String, labelNames: [String], seriesLimit: Int, clock: MetricsClock,
        makeSeries: @escaping @Sendable () -> any AnyObject & Sendable, hashMask: UInt64 = .max
    ) {
        self.hashMask = hashMask
        self.metricName = metricName
        self.labelNames = labelNames
        self.seriesLimit = max(seriesLimit, 1)
        self.clock = clock
        self.makeSeries = makeSeries
        state = Locked(State())
    }

    /// Number of lookups that found the table full and were given the overflow series.
    var overflowCount: Int { overflowLookups.load(ordering: .relaxed) }

    /// The series for a label dictionary, created on first use; checks the names match the family's.
    /// Values are placed by scanning the (few) label names rather than hashing, and gathered on the stack,
    /// so finding an existing series allocates nothing.
    func series(for labels: [String: String]) throws(MetricsRegistryError) -> any AnyObject & Sendable {
        let count = labelNames.count
        let found: (any AnyObject & Sendable)? = withUnsafeTemporaryAllocation(of: String.self, capacity: max(count, 1))
        {
            values in
            guard labels.count == count else { return nil }
            // Start from "" everywhere so every slot is initialized whatever happens below.
            values.initialize(repeating: "")
            defer { values.deinitialize() }
            for (name, value) in labels {
                guard let index = labelNames.firstIndex(where: { LabelValuesKey.sameBytes($0, name) }) else {
                    return nil
                }
                values[index] = value
            }
            return series(forValues: UnsafeBufferPointer(rebasing: values[0..<count]))
        }
        guard let found else {
            throw .labelSetMismatch(metric: metricName, expected: labelNames, given: labels.keys.sorted())
        }
        return found
    }

    /// The series for label values already in sorted-name order.
    func series(forValues values: [String]) -> any AnyObject & Sendable {
        values.withUnsafeBufferPointer { series(forValues: $0) }
    }

    private func series(forValues values: UnsafeBufferPointer<String>) -> any AnyObject & Sendable {
        var mixed = hashSeed
        for value in values { mixed = LabelValuesKey.mix(value, into: mixed) }
        let hash = Int(truncatingIfNeeded: mixed & hashMask)
        let result: (series: any AnyObject & Sendable, overflowed: Bool) = state.withLock { state in
            if let entry = state.byHash[hash] {
                if LabelValuesKey.bytesEqual(entry.labelValues, values) { return (entry.series, false) }
                for other in state.collisions[hash] ?? [] where LabelValuesKey.bytesEqual(other.labelValues, values) {
                    return (other.series, false)
                }
            }
            if state.sorted.count >= seriesLimit {
                if let overflow = state.overflow { return (overflow.series, true) }
                let entry = makeEntry(names: [Self.overflowLabelName], values: ["true"])
                state.overflow = entry
                state.sorted.append(entry)
                return (entry.series, true)
            }
            let copied = Array(values)
            let entry = makeEntry(names: labelNames, values: copied)
            if state.byHash[hash] == nil {
                state.byHash[hash] = entry
            } else {
                state.collisions[hash, default: []].append(entry)
            }
            let position = insertionIndex(of: LabelValuesKey(values: copied), in: state.sorted)
            state.sorted.insert(entry, at: position)
            return (entry.series, false)
        }
        if result.overflowed { overflowLookups.wrappingAdd(1, ordering: .relaxed) }
        return result.series
    }

    /// Every series in stable order: sorted by label values, the overflow series last.
    /// Copying out is O(1): the array buffer is shared until the next insert.
    func entries() -> [SeriesEntry] {
        state.withLock { $0.sorted }
    }

    private func makeEntry(names: [String], values: [String]) -> SeriesEntry {
        var buffer = ExpositionBuffer(reservingCapacity: 16 * names.count)
        for (index, name) in names.enumerated() {
            if index > 0 { buffer.append(byte: UInt8(ascii: ",")) }
            buffer.append(string: name)
            buffer.append("=\"")
            buffer.append(escapedLabelValue: values[index])
            buffer.append(byte: UInt8(ascii: "\""))
        }
        return SeriesEntry(
            labelValues: values, labelNames: names, renderedLabels: buffer.bytes,
            createdSeconds: clock.now(), series: makeSeries())
    }

    private func insertionIndex(of key: LabelValuesKey, in sorted: [SeriesEntry]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if LabelValuesKey(values: sorted[middle].labelValues).precedes(key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
