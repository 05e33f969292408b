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
        let exemplar = ExemplarSource(span: span, enabled: configuration.exemplars)
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

}

/// Makes a span's trace id / span id exemplar on demand: formatting ids is costly and most observations do not
/// become their bucket's exemplar.
struct ExemplarSource {
    let traceID: TraceID
    let spanID: SpanID
    let endUnixNanoseconds: UInt64
    let enabled: Bool

    init(span: SpanRecord, enabled: Bool) {
        traceID = span.traceID
        spanID = span.spanID
        endUnixNanoseconds = span.endUnixNanoseconds
        self.enabled = enabled
    }

    func make() -> Exemplar? {
        guard enabled else { return nil }
        return try? Exemplar(
            traceID: traceID.description,
            spanID: spanID.description,
            timestamp: Double(endUnixNanoseconds / 1_000) / 1_000_000
        )
    }
}

/// Series handles already looked up, by label values, so a span costs one hash lookup per family instead of a
/// registry lookup; cleared when it grows past its bound (label sets past the series limit all map to the
/// overflow series, but their keys would still accumulate here).
final class SeriesCache<Key: Hashable & Sendable, Series: AnyObject & Sendable>: Sendable {
    private let entries = Locked<[Key: Series]>([:])
    private let bound: Int

    init(bound: Int) { self.bound = max(16, bound) }

    func series(for values: Key, lookUp: () -> Series?) -> Series? {
        if let cached = entries.withLock({ $0[values] }) { return cached }
        guard let series = lookUp() else { return nil }
        entries.withLock { entries in
            if entries.count >= bound { entries.removeAll(keepingCapacity: true) }
            entries[values] = series
        }
        return series
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
    /// The three series of one label set, looked up together.
    let cache: SeriesCache<Key, Handles>

    /// A label set of the generic families, without building label arrays: kind and status as their raw codes.
    struct Key: Hashable, Sendable {
        var name: String
        var kind: SpanRecord.Kind
        var status: UInt8
        var dimensions: [String]
    }

    final class Handles: Sendable {
        let calls: Counter
        let duration: Histogram
        let selfTime: Histogram

        init(calls: Counter, duration: Histogram, selfTime: Histogram) {
            self.calls = calls
            self.duration = duration
            self.selfTime = selfTime
        }
    }

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
        cache = SeriesCache(bound: configuration.seriesLimit * 4)
    }

    func record(_ span: SpanRecord, selfNanoseconds: UInt64, exemplar: ExemplarSource) {
        let statusCode: UInt8
        switch span.status {
        case .unset: statusCode = 0
        case .ok: statusCode = 1
        case .error: statusCode = 2
        }
        let key = Key(
            name: span.name, kind: span.kind, status: statusCode,
            dimensions: dimensions.isEmpty ? [] : dimensions.map { span.attributes[$0]?.description ?? "" })
        let handles = cache.series(for: key) { () -> Handles? in
            let values = [span.name, Self.kindValue(span.kind), Self.statusValue(span.status)] + key.dimensions
            // Label names were validated at registration and the counts always match, so lookups cannot fail.
            let callValues = callsOrder.map { values[$0] }
            var selfLabelValues = values
            selfLabelValues.remove(at: 2)
            let selfValues = selfTimeOrder.map { selfLabelValues[$0] }
            guard let counter = try? calls.labels(values: callValues),
                let duration = try? durations.labels(values: callValues),
                let selfTime = try? selfTimes.labels(values: selfValues)
            else { return nil }
            return Handles(calls: counter, duration: duration, selfTime: selfTime)
        }
        guard let handles else { return }
        handles.calls.increment()
        handles.duration.observe(nanoseconds: span.durationNanoseconds, exemplar: exemplar.make())
        handles.selfTime.observe(nanoseconds: selfNanoseconds, exemplar: exemplar.make())
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
        case counter(CounterFamily, SeriesCache<[String], Counter>)
        case histogram(HistogramFamily, SeriesCache<[String], Histogram>)
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
                    family.name, help: family.help, labelNames: names, seriesLimit: seriesLimit),
                SeriesCache(bound: seriesLimit * 4))
        case .durationHistogram(let buckets):
            series = .histogram(
                try registry.histogramFamily(
                    family.name, help: family.help, unit: "seconds", labelNames: names, buckets: buckets,
                    seriesLimit: seriesLimit),
                SeriesCache(bound: seriesLimit * 4))
        }
    }

    func record(_ span: SpanRecord, exemplar: ExemplarSource) {
        guard condition.matches(span) else { return }
        let values = labels.map { $0.value(for: span) }
        switch series {
        case .counter(let family, let cache):
            cache.series(for: values) { try? family.labels(values: values) }?.increment()
        case .histogram(let family, let cache):
            cache.series(for: values) { try? family.labels(values: values) }?.observe(
                nanoseconds: span.durationNanoseconds, exemplar: exemplar.make())
        }
    }
}
