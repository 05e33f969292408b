// A named metric with label names: hands out one series per label set.

/// A metric family: a name, help text, unit and label names, and one series per distinct label set.
///
/// Bind a label set once with ``labels(_:)`` and keep the returned handle: it increments without any
/// lookup. The order in which labels are given does not matter. When a family already holds its series
/// limit, new label sets share one overflow series labelled `otel_metric_overflow="true"` (as OpenTelemetry
/// does), and ``overflowCount`` counts those lookups.
///
/// ```swift
/// let calls = try registry.counterFamily("backend_service_calls_total", help: "Service calls.",
///                                        labelNames: ["service", "method"])
/// let listApps = try calls.labels(["method": "List", "service": "apps"])
/// listApps.increment()
/// ```
public final class MetricFamily<Series: AnyObject & Sendable>: Sendable {
    /// The family name as OpenMetrics writes it (for counters, without `_total`).
    public let name: String
    /// The metric type.
    public let type: MetricType
    /// The HELP text.
    public let help: String
    /// The UNIT (empty if none).
    public let unit: String
    /// Label names, sorted.
    public let labelNames: [String]
    let table: SeriesTable

    init(descriptor: FamilyDescriptor, table: SeriesTable) {
        name = descriptor.name
        type = descriptor.type
        help = descriptor.help
        unit = descriptor.unit
        labelNames = descriptor.labelNames
        self.table = table
    }

    /// Returns the series for a label set, creating it on first use. Keep the result for the hot path.
    ///
    /// ```swift
    /// let get200 = try requests.labels(["status": "200", "method": "GET"])
    /// ```
    /// - Throws: ``MetricsRegistryError/labelSetMismatch(metric:expected:given:)`` unless the keys are exactly
    ///   the family's label names.
    public func labels(_ labels: [String: String]) throws(MetricsRegistryError) -> Series {
        // The table holds only series made by this family's `makeSeries`, which are `Series`.
        unsafeDowncast(try table.series(for: labels), to: Series.self)
    }

    /// Returns the series for label values given in the order of ``labelNames`` (sorted by name), like
    /// client_golang's `WithLabelValues`; skips building a dictionary, for lookups on a hot path.
    ///
    /// ```swift
    /// // labelNames == ["method", "status"]
    /// try requests.labels(values: ["GET", "200"]).increment()
    /// ```
    /// - Throws: ``MetricsRegistryError/labelSetMismatch(metric:expected:given:)`` if the count is wrong.
    public func labels(values: [String]) throws(MetricsRegistryError) -> Series {
        guard values.count == labelNames.count else {
            throw .labelSetMismatch(metric: name, expected: labelNames, given: values.indices.map { "value \($0 + 1)" })
        }
        return unsafeDowncast(table.series(forValues: values), to: Series.self)
    }

    /// How many label-set lookups found the family at its series limit and got the overflow series.
    ///
    /// ```swift
    /// if requests.overflowCount > 0 { print("label cardinality too high") }
    /// ```
    public var overflowCount: Int { table.overflowCount }
}

/// A family of integer counters.
public typealias CounterFamily = MetricFamily<Counter>
/// A family of floating-point counters.
public typealias FloatingCounterFamily = MetricFamily<FloatingCounter>
/// A family of gauges.
public typealias GaugeFamily = MetricFamily<Gauge>
/// A family of histograms sharing one bucket layout.
public typealias HistogramFamily = MetricFamily<Histogram>
/// A family of summaries sharing quantiles and accuracy.
public typealias SummaryFamily = MetricFamily<Summary>

extension MetricFamily where Series == Histogram {
    /// Starts a timer that observes its elapsed seconds into the series for `labels` when stopped.
    ///
    /// ```swift
    /// let timer = try toolDurations.startTimer(["tool": "search"])
    /// defer { timer.stop() }
    /// ```
    public func startTimer(_ labels: [String: String] = [:]) throws(MetricsRegistryError) -> MetricTimer {
        MetricTimer(histogram: try self.labels(labels))
    }
}
