// The registry: owns every metric family, checks registrations, and writes the exposition formats.

import Synchronization
import TraceSync

/// Holds metric families and writes them as Prometheus text, OpenMetrics or JSON.
///
/// Registering a name again with the same type, label names, unit and buckets returns the same family;
/// anything else throws a ``MetricsRegistryError``. Families and series are written in a stable sorted order.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let requests = try registry.counterFamily("backend_http_requests_total", help: "HTTP requests.",
///                                           labelNames: ["method", "path", "status"])
/// try requests.labels(["method": "GET", "path": "/apps", "status": "200"]).increment()
/// print(registry.exposition(.openMetrics))
/// ```
public final class MetricsRegistry: Sendable {
    /// The series limit a family gets unless its registration gives another.
    public let defaultSeriesLimit: Int
    /// The clock read for `_created` timestamps.
    public let clock: MetricsClock
    let state = Locked(State())
    let trackingFailureCount = Atomic<Int>(0)
    private let sizeHint = Atomic<Int>(4096)
    private let createdSeconds: Double
    private let overflowText: FamilyText

    /// The self-metric counting lookups that hit a family's series limit, per family.
    static let overflowFamilyName = "tracekit_metric_series_overflow"

    struct State {
        var byName: [String: RegisteredFamily] = [:]
        /// Sample name -> name of the family that writes it.
        var claimedSampleNames: [String: String] = [:]
        /// Families sorted by name.
        var sorted: [RegisteredFamily] = []
        /// Run before every collection; see `onCollect(_:)`.
        var collectHooks: [@Sendable () -> Void] = []
    }

    /// Runs `update` before every exposition, JSON rendering and `stats` read, so metrics that mirror another
    /// component's own counters (a log writer's drops, a queue's depth) are current when scraped.
    ///
    /// ```swift
    /// let depth = try registry.gauge("queue_depth", help: "Items waiting.")
    /// registry.onCollect { depth.set(Double(queue.count)) }
    /// ```
    public func onCollect(_ update: @escaping @Sendable () -> Void) {
        state.withLock { $0.collectHooks.append(update) }
    }

    private func runCollectHooks() {
        for hook in state.withLock({ $0.collectHooks }) { hook() }
    }

    /// Creates an empty registry.
    ///
    /// ```swift
    /// let registry = MetricsRegistry(defaultSeriesLimit: 500, clock: .fixed(1_700_000_000))
    /// ```
    /// - Parameters:
    ///   - defaultSeriesLimit: the most series a family keeps before new label sets go to its overflow series.
    ///   - clock: Unix time in seconds for `_created` samples; inject a fixed one for reproducible text.
    public init(defaultSeriesLimit: Int = 2_000, clock: MetricsClock = .system) {
        self.defaultSeriesLimit = max(defaultSeriesLimit, 1)
        self.clock = clock
        createdSeconds = clock.now()
        let overflowDescriptor = FamilyDescriptor(
            name: Self.overflowFamilyName, type: .counter, kind: .counter,
            help: "Label sets that found a metric at its series limit and were counted in its overflow series.",
            unit: "", labelNames: ["metric"])
        overflowText = FamilyText(overflowDescriptor)
        state.withLock { state in
            for sampleName in overflowDescriptor.sampleNames {
                state.claimedSampleNames[sampleName] = Self.overflowFamilyName
            }
        }
    }

    /// Registers a family, or returns the one already registered under the same name if it is compatible.
    /// `clock`, when given, stamps the `_created` of this family's series instead of the registry's clock.
    func register<Series: AnyObject & Sendable>(
        _ requested: FamilyDescriptor, seriesLimit: Int?, clock familyClock: MetricsClock? = nil,
        makeSeries: @escaping @Sendable () -> Series,
        record: (MetricFamily<Series>, FamilyDescriptor) -> RegisteredFamily
    ) throws(MetricsRegistryError) -> MetricFamily<Series> {
        let limit = seriesLimit ?? defaultSeriesLimit
        let clock = familyClock ?? self.clock
        return try state.withLock { (state: inout State) throws(MetricsRegistryError) -> MetricFamily<Series> in
            if let existing = state.byName[requested.name] {
                try existing.descriptor.checkCompatible(with: requested)
                guard let family = existing.family as? MetricFamily<Series> else {
                    throw .typeConflict(
                        metric: requested.name, registered: existing.descriptor.type, requested: requested.type)
                }
                return family
            }
            for sampleName in requested.sampleNames {
                if let other = state.claimedSampleNames[sampleName] {
                    throw .sampleNameCollision(metric: requested.name, sampleName: sampleName, otherMetric: other)
                }
            }
            let table = SeriesTable(
                metricName: requested.name, labelNames: requested.labelNames, seriesLimit: limit, clock: clock,
                makeSeries: makeSeries)
            if requested.labelNames.isEmpty { _ = table.series(forValues: []) }
            let family = MetricFamily<Series>(descriptor: requested, table: table)
            let registered = record(family, requested)
            state.byName[requested.name] = registered
            for sampleName in requested.sampleNames { state.claimedSampleNames[sampleName] = requested.name }
            let position = state.sorted.firstIndex { $0.descriptor.name > requested.name } ?? state.sorted.count
            state.sorted.insert(registered, at: position)
            return family
        }
    }

    /// Checks a name, unit and label names, and makes the descriptor that registration compares.
    func descriptor(
        _ name: String, type: MetricType, kind: FamilyDescriptor.SeriesKind, help: String, unit: String,
        labelNames: [String]
    ) throws(MetricsRegistryError) -> FamilyDescriptor {
        guard MetricNameRules.isValidMetricName(name) else { throw .invalidMetricName(name) }
        let familyName = type == .counter && name.hasSuffix("_total") ? String(name.dropLast(6)) : name
        guard MetricNameRules.isValidMetricName(familyName) else { throw .invalidMetricName(name) }
        if !unit.isEmpty {
            guard MetricNameRules.isValidLabelName("u" + unit), familyName.hasSuffix("_" + unit) else {
                throw .unitNotInName(metric: name, unit: unit)
            }
        }
        let sortedLabels = try MetricNameRules.checkedLabelNames(labelNames, metric: name, type: type)
        return FamilyDescriptor(
            name: familyName, type: type, kind: kind, help: help, unit: unit, labelNames: sortedLabels)
    }

    /// Writes every family in the given format, families sorted by name and series by label values.
    ///
    /// ```swift
    /// let text = registry.exposition(.openMetrics)  // ends with "# EOF\n"
    /// ```
    /// - Parameter timestamp: Unix seconds to stamp on every sample (milliseconds in 0.0.4), or nil for none,
    ///   which is what a scrape endpoint should send.
    public func exposition(_ format: ExpositionFormat = .prometheusText, timestamp: Double? = nil) -> String {
        let bytes = expositionBytes(format, timestamp: timestamp)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Like ``exposition(_:timestamp:)`` but returns UTF-8 bytes, ready for a response body.
    ///
    /// ```swift
    /// let body: [UInt8] = registry.expositionBytes(.prometheusText)
    /// ```
    public func expositionBytes(_ format: ExpositionFormat = .prometheusText, timestamp: Double? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sizeHint.load(ordering: .relaxed) + 1024)
        exposition(format, into: &bytes, timestamp: timestamp)
        return bytes
    }

    /// Appends the exposition to `bytes`, so a server can reuse one buffer for every scrape.
    ///
    /// ```swift
    /// var body: [UInt8] = []
    /// body.removeAll(keepingCapacity: true)
    /// registry.exposition(.openMetrics, into: &body)
    /// ```
    public func exposition(_ format: ExpositionFormat, into bytes: inout [UInt8], timestamp: Double? = nil) {
        runCollectHooks()
        let families = state.withLock { $0.sorted }
        let context = TextRenderContext(format: format, timestamp: timestamp)
        var buffer = ExpositionBuffer(reservingCapacity: 0)
        swap(&buffer.bytes, &bytes)
        defer { swap(&buffer.bytes, &bytes) }
        let start = buffer.bytes.count
        var overflowWritten = false
        for family in families {
            if !overflowWritten && family.descriptor.name > Self.overflowFamilyName {
                writeOverflowFamily(families, context: context, into: &buffer)
                overflowWritten = true
            }
            family.writeText(context, &buffer)
        }
        if !overflowWritten { writeOverflowFamily(families, context: context, into: &buffer) }
        if format == .openMetrics { buffer.append("# EOF\n") }
        sizeHint.store(buffer.bytes.count - start, ordering: .relaxed)
    }

    /// Writes `tracekit_metric_series_overflow_total{metric="..."}` for the families that overflowed, if any.
    private func writeOverflowFamily(
        _ families: [RegisteredFamily], context: TextRenderContext, into buffer: inout ExpositionBuffer
    ) {
        var headerWritten = false
        for family in families {
            let overflowed = family.overflowCount()
            guard overflowed > 0 else { continue }
            if !headerWritten {
                buffer.append(overflowText.header(context.format))
                headerWritten = true
            }
            var labels = ExpositionBuffer(reservingCapacity: 16 + family.descriptor.name.utf8.count)
            labels.append("metric=\"")
            labels.append(string: family.descriptor.name)
            labels.append(byte: UInt8(ascii: "\""))
            buffer.beginSample(overflowText.valueName, labels: labels.bytes)
            buffer.append(integer: overflowed)
            buffer.endSample(context)
            if context.format == .openMetrics {
                buffer.beginSample(overflowText.createdName, labels: labels.bytes)
                buffer.append(sampleValue: createdSeconds)
                buffer.endSample(context)
            }
        }
    }

    /// Every family as one JSON document: `{"metrics":[{"name":..,"type":..,"help":..,"unit":..,"series":[..]}]}`.
    ///
    /// ```swift
    /// let json = registry.metricsJSON()
    /// ```
    /// Counters carry `value`; gauges `value`; histograms `count`, `sum` and cumulative `buckets`
    /// (`{"le": 0.005, "count": 3}`, the last with `"le": "+Inf"`); summaries `count`, `sum` and `quantiles`.
    /// Counter names include `_total`, as on Prometheus text's TYPE line.
    public func metricsJSON() -> String {
        runCollectHooks()
        let families = state.withLock { $0.sorted }
        var buffer = ExpositionBuffer(reservingCapacity: 4096)
        buffer.append("{\"metrics\":[")
        for (index, family) in families.enumerated() {
            if index > 0 { buffer.append(byte: UInt8(ascii: ",")) }
            family.writeJSON(&buffer)
        }
        buffer.append("]}")
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// Count, mean, p50, p95 and p99 over all series of a histogram or summary; nil for other types or
    /// unknown names.
    ///
    /// ```swift
    /// let stats = registry.stats("ui_tool_execution_duration_seconds")
    /// ```
    public func stats(_ name: String) -> MetricStats? {
        runCollectHooks()
        let family = state.withLock { $0.byName[name] }
        return family?.stats()
    }

    /// The registered family names (counters without `_total`), sorted.
    ///
    /// ```swift
    /// print(registry.familyNames)
    /// ```
    public var familyNames: [String] {
        state.withLock { $0.sorted.map(\.descriptor.name) }
    }

    /// How many ``trackOperation(_:histogram:)`` calls could not record because the histogram name was
    /// registered as something incompatible.
    ///
    /// ```swift
    /// assert(registry.trackingFailures == 0)
    /// ```
    public var trackingFailures: Int { trackingFailureCount.load(ordering: .relaxed) }
}
