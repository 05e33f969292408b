// The series of one metric family, keyed by label values, with a series limit and an overflow series.

import Synchronization

/// One series and what rendering it needs, computed once when the series is created.
struct SeriesEntry<Series: AnyObject & Sendable>: Sendable {
    /// Label values in the family's sorted label-name order; empty for the overflow series.
    let labelValues: [String]
    /// Label names matching `labelValues` (the family's names, or `otel_metric_overflow`).
    let labelNames: [String]
    /// `name="value",...` escaped, without braces; empty for an unlabelled series.
    let renderedLabels: [UInt8]
    /// Unix seconds when the series was created, for `_created`.
    let createdSeconds: Double
    let series: Series
}

/// Holds a family's series. Lookups take a mutex; pre-bound handles never come here again.
final class SeriesTable<Series: AnyObject & Sendable>: Sendable {
    /// The OpenTelemetry attribute `otel.metric.overflow`, spelled as a Prometheus label.
    static var overflowLabelName: String { "otel_metric_overflow" }

    let metricName: String
    let labelNames: [String]
    let seriesLimit: Int
    let clock: MetricsClock
    let makeSeries: @Sendable () -> Series
    private let state: Mutex<State>
    private let overflowLookups = Atomic<Int>(0)

    private struct State {
        var byLabelValues: [LabelValuesKey: Series] = [:]
        /// Every series except the overflow one, sorted by label values.
        var sorted: [SeriesEntry<Series>] = []
        var overflow: SeriesEntry<Series>?
    }

    init(
        metricName: String, labelNames: [String], seriesLimit: Int, clock: MetricsClock,
        makeSeries: @escaping @Sendable () -> Series
    ) {
        self.metricName = metricName
        self.labelNames = labelNames
        self.seriesLimit = max(seriesLimit, 1)
        self.clock = clock
        self.makeSeries = makeSeries
        state = Mutex(State())
    }

    /// Number of lookups that found the table full and were given the overflow series.
    var overflowCount: Int { overflowLookups.load(ordering: .relaxed) }

    /// The series for a label dictionary, created on first use; checks the names match the family's.
    func series(for labels: [String: String]) throws(MetricsRegistryError) -> Series {
        var values: [String] = []
        values.reserveCapacity(labelNames.count)
        for name in labelNames {
            guard let value = labels[name] else {
                throw .labelSetMismatch(metric: metricName, expected: labelNames, given: labels.keys.sorted())
            }
            values.append(value)
        }
        guard labels.count == labelNames.count else {
            throw .labelSetMismatch(metric: metricName, expected: labelNames, given: labels.keys.sorted())
        }
        return series(forValues: values)
    }

    /// The series for label values already in sorted-name order.
    func series(forValues values: [String]) -> Series {
        let key = LabelValuesKey(values: values)
        let result: (series: Series, overflowed: Bool) = state.withLock { state in
            if let existing = state.byLabelValues[key] { return (existing, false) }
            if state.sorted.count >= seriesLimit {
                if let overflow = state.overflow { return (overflow.series, true) }
                let entry = makeEntry(names: [Self.overflowLabelName], values: ["true"], keyValues: [])
                state.overflow = entry
                return (entry.series, true)
            }
            let entry = makeEntry(names: labelNames, values: values, keyValues: values)
            state.byLabelValues[key] = entry.series
            let position = insertionIndex(of: key, in: state.sorted)
            state.sorted.insert(entry, at: position)
            return (entry.series, false)
        }
        if result.overflowed { overflowLookups.wrappingAdd(1, ordering: .relaxed) }
        return result.series
    }

    /// Every series in stable order: sorted by label values, the overflow series last.
    /// Copying out is O(1): the array buffer is shared until the next insert.
    func entries() -> [SeriesEntry<Series>] {
        state.withLock { state in
            guard let overflow = state.overflow else { return state.sorted }
            return state.sorted + [overflow]
        }
    }

    private func makeEntry(names: [String], values: [String], keyValues: [String]) -> SeriesEntry<Series> {
        var buffer = ExpositionBuffer(reservingCapacity: 16 * names.count)
        for (index, name) in names.enumerated() {
            if index > 0 { buffer.append(byte: UInt8(ascii: ",")) }
            buffer.append(string: name)
            buffer.append("=\"")
            buffer.append(escapedLabelValue: values[index])
            buffer.append(byte: UInt8(ascii: "\""))
        }
        return SeriesEntry(
            labelValues: keyValues.isEmpty ? values : keyValues, labelNames: names, renderedLabels: buffer.bytes,
            createdSeconds: clock.now(), series: makeSeries())
    }

    private func insertionIndex(of key: LabelValuesKey, in sorted: [SeriesEntry<Series>]) -> Int {
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
