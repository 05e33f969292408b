// SpanAnalyzer: derives metrics from spans one at a time, live as a sink or over a replayed log, into a registry.

import Synchronization
import TraceKit
import TraceMetrics

/// Derives metrics from spans, one span at a time, into a `MetricsRegistry`: per span name, kind and status a
/// calls counter and a duration histogram (with the slowest span of each bucket as exemplar), a self-time
/// histogram, and the families of the configured `DerivationRule`s (the seed's by default).
///
/// The same type serves live, as a sink of the recorder, and offline, fed from a replayed log; the same spans
/// give the same exposition text either way (the order spans arrive in does not matter: counts and sums are
/// integers, exemplars are chosen by value). Memory grows with the number of series, not of spans.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let analyzer = try SpanAnalyzer(registry: registry)
/// try TraceSystem.bootstrap(TraceConfiguration(service: "api", sinks: [logWriter, analyzer]))
/// // ... later, or in another process over the log:
/// for span in try LogReader(path: "app.tklog").spans { analyzer.consume(span) }
/// print(registry.exposition(.openMetrics))
/// ```
public final class SpanAnalyzer: SpanSink {
    /// Where the derived metrics go.
    public let registry: MetricsRegistry
    /// What is derived.
    public let configuration: SpanAnalyzerConfiguration

    private let spanMetrics: GenericSpanMetrics?
    private let rules: [CompiledRule]
    private let selfTime: Locked<SelfTimeTracker>
    private let analyzed = Atomic<UInt64>(0)

    /// Registers the derived families in `registry`.
    ///
    /// - Throws: `MetricsRegistryError` when a name, label or bucket layout is invalid or clashes with a family
    ///   already registered differently.
    public init(registry: MetricsRegistry, configuration: SpanAnalyzerConfiguration = .init())
        throws(MetricsRegistryError)
    {
        self.registry = registry
        self.configuration = configuration
        self.selfTime = Locked(SelfTimeTracker(maxPendingChildIntervals: configuration.maxPendingChildIntervals))
        self.spanMetrics =
            configuration.derivesSpanMetrics
            ? try GenericSpanMetrics(registry: registry, configuration: configuration) : nil
        var rules: [CompiledRule] = []
        for rule in configuration.rules {
            var families: [CompiledFamily] = []
            for family in rule.families {
                families.append(try CompiledFamily(family, registry: registry, seriesLimit: configuration.seriesLimit))
            }
            rules.append(CompiledRule(match: rule.match, families: families))
        }
        self.rules = rules
    }

    /// Derives the metrics of one finished span. Safe to call from many threads at once.
    public func consume(_ span: SpanRecord) {
        analyzed.wrappingAdd(1, ordering: .relaxed)
        let exemplar = configuration.exemplars ? Self.exemplar(for: span) : nil
        if let spanMetrics {
            let selfNanoseconds = selfTime.withLock { $0.selfTimeNanoseconds(of: span) }
            spanMetrics.record(span, selfNanoseconds: selfNanoseconds, exemplar: exemplar)
        }
        for rule in rules where rule.match.matches(span) {
            for family in rule.families { family.record(span, exemplar: exemplar) }
        }
    }

    /// Derives the metrics of every span in `spans`.
    public func consume(contentsOf spans: some Sequence<SpanRecord>) {
        for span in spans { consume(span) }
    }

    /// How many spans were analysed.
    public var spanCount: UInt64 { analyzed.load(ordering: .relaxed) }

    /// Child intervals dropped from the self-time buffer because their parent never came (bounded memory).
    public var evictedChildIntervals: UInt64 { selfTime.withLock { $0.evictedChildIntervalCount } }

    /// The trace id / span id exemplar of a span; `nil` for ids OpenMetrics cannot carry (never, for valid ids).
    static func exemplar(for span: SpanRecord) -> Exemplar? {
        try? Exemplar(
            traceID: span.traceID.description,
            spanID: span.spanID.description,
            timestamp: Double(span.endUnixNanoseconds / 1_000) / 1_000_000
        )
    }
}

/// The generic calls / duration / self-time families, keyed by span name, kind, status and dimensions.
struct GenericSpanMetrics: Sendable {
    let calls: CounterFamily
    let durations: HistogramFamily
    let selfTimes: HistogramFamily
    let dimensions: [String]
    /// For each family, the positions of (span_name, span_kind, status_code, dimensions...) in sorted label order.
    let callsOrder: [Int]
    let selfTimeOrder: [Int]

    init(registry: MetricsRegistry, configuration: SpanAnalyzerConfiguration) throws(MetricsRegistryError) {
        dimensions = configuration.dimensions
        let dimensionLabels = configuration.dimensions.map(Self.labelName)
        let labels = ["span_name", "span_kind", "status_code"] + dimensionLabels
        let selfLabels = ["span_name", "span_kind"] + dimensionLabels
        calls = try registry.counterFamily(
            configuration.prefix + "calls_total", help: "Spans finished, by name, kind and status.",
            labelNames: labels, seriesLimit: configuration.seriesLimit)
        durations = try registry.histogramFamily(
            configuration.prefix + "duration_seconds", help: "Span durations, by name, kind and status.",
            unit: "seconds", labelNames: labels, buckets: configuration.durationBuckets,
            seriesLimit: configuration.seriesLimit)
        selfTimes = try registry.histogramFamily(
            configuration.prefix + "self_time_seconds",
            help: "Span self time: duration minus time covered by child spans, by name and kind.",
            unit: "seconds", labelNames: selfLabels, buckets: configuration.durationBuckets,
            seriesLimit: configuration.seriesLimit)
        callsOrder = Self.sortedOrder(labels)
        selfTimeOrder = Self.sortedOrder(selfLabels)
    }

    func record(_ span: SpanRecord, selfNanoseconds: UInt64, exemplar: Exemplar?) {
        var values = [span.name, Self.kindValue(span.kind), Self.statusValue(span.status)]
        for key in dimensions { values.append(span.attributes[key]?.description ?? "") }
        let callValues = callsOrder.map { values[$0] }
        // The label names were validated at registration and the count always matches, so these cannot fail.
        try? calls.labels(values: callValues).increment()
        try? durations.labels(values: callValues).observe(nanoseconds: span.durationNanoseconds, exemplar: exemplar)
        values.remove(at: 2)
        try? selfTimes.labels(values: selfTimeOrder.map { values[$0] }).observe(
            nanoseconds: selfNanoseconds, exemplar: exemplar)
    }

    /// Positions into `labels` in the order of their sorted names (the order `labels(values:)` takes).
    static func sortedOrder(_ labels: [String]) -> [Int] {
        labels.indices.sorted { labels[$0] < labels[$1] }
    }

    /// An attribute key as a Prometheus label name: characters outside [a-zA-Z0-9_] become `_`.
    static func labelName(_ key: String) -> String {
        var name = String(
            key.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                    ? Character(scalar) : "_"
            })
        if let first = name.unicodeScalars.first, ("0"..."9").contains(first) { name = "_" + name }
        return name.isEmpty ? "_" : name
    }

    static func kindValue(_ kind: SpanRecord.Kind) -> String {
        switch kind {
        case .internal: return "SPAN_KIND_INTERNAL"
        case .server: return "SPAN_KIND_SERVER"
        case .client: return "SPAN_KIND_CLIENT"
        case .producer: return "SPAN_KIND_PRODUCER"
        case .consumer: return "SPAN_KIND_CONSUMER"
        }
    }

    static func statusValue(_ status: SpanRecord.Status) -> String {
        switch status {
        case .unset: return "STATUS_CODE_UNSET"
        case .ok: return "STATUS_CODE_OK"
        case .error: return "STATUS_CODE_ERROR"
        }
    }
}

/// A rule with its families registered.
struct CompiledRule: Sendable {
    let match: SpanMatch
    let families: [CompiledFamily]
}

/// A derived family registered in the registry, with its labels in the order the registry takes them.
struct CompiledFamily: Sendable {
    enum Series: Sendable {
        case counter(CounterFamily)
        case histogram(HistogramFamily)
    }

    let series: Series
    let labels: [DerivedLabel]
    let condition: SpanMatch

    init(_ family: DerivedFamily, registry: MetricsRegistry, seriesLimit: Int) throws(MetricsRegistryError) {
        let sortedLabels = family.labels.sorted { $0.name < $1.name }
        labels = sortedLabels
        condition = family.condition
        let names = sortedLabels.map(\.name)
        switch family.kind {
        case .counter:
            series = .counter(
                try registry.counterFamily(
                    family.name, help: family.help, labelNames: names, seriesLimit: seriesLimit))
        case .durationHistogram(let buckets):
            series = .histogram(
                try registry.histogramFamily(
                    family.name, help: family.help, unit: "seconds", labelNames: names, buckets: buckets,
                    seriesLimit: seriesLimit))
        }
    }

    func record(_ span: SpanRecord, exemplar: Exemplar?) {
        guard condition.matches(span) else { return }
        let values = labels.map { $0.value(for: span) }
        switch series {
        case .counter(let family):
            try? family.labels(values: values).increment()
        case .histogram(let family):
            try? family.labels(values: values).observe(nanoseconds: span.durationNanoseconds, exemplar: exemplar)
        }
    }
}
