// TraceKitMetricsFactory: a swift-metrics backend that records into a TraceKit MetricsRegistry.

import CoreMetrics
import TraceKit
import TraceMetrics
import TraceSync

/// Makes swift-metrics `Counter`, `FloatingPointCounter`, `Recorder`, `Timer` and `Meter` record into a TraceKit
/// ``MetricsRegistry``, so libraries instrumented with swift-metrics show up on `/metrics`.
///
/// Counters become counters, floating-point counters floating counters, aggregating recorders and timers
/// histograms (timers in seconds, with `_seconds` added to the name), non-aggregating recorders and meters gauges.
/// Labels and dimension keys are renamed by ``MetricNaming`` to Prometheus rules. A registration the registry refuses
/// (the same name with another type or other labels) does not trap: it is counted in
/// `tracekit_metrics_bridge_conflicts_total`, kept in ``conflicts`` and handed to `onConflict`, and that handler
/// records nothing.
///
/// ```swift
/// let registry = MetricsRegistry()
/// MetricsSystem.bootstrap(TraceKitMetricsFactory(registry: registry))
/// Counter(label: "jobs.done", dimensions: [("queue", "mail")]).increment()   // jobs_done_total{queue="mail"} 1
/// ```
public final class TraceKitMetricsFactory: MetricsFactory {
    /// The registry handlers record into.
    public let registry: MetricsRegistry
    /// How labels and dimensions are named.
    public let naming: MetricNaming
    /// Buckets for histograms made from recorders and timers when the naming rule gives none.
    public let defaultBuckets: [Double]
    private let onConflict: @Sendable (MetricsRegistryError) -> Void
    private let conflictLog = Locked<[MetricsRegistryError]>([])
    private let conflictCounter: TraceMetrics.Counter?

    /// The most conflicts ``conflicts`` keeps (the counter counts them all).
    public static let conflictsKept = 100

    /// Creates a factory over `registry`.
    public init(
        registry: MetricsRegistry,
        naming: MetricNaming = .init(),
        defaultBuckets: [Double] = HistogramBuckets.prometheusDefault,
        onConflict: @escaping @Sendable (MetricsRegistryError) -> Void = { _ in }
    ) {
        self.registry = registry
        self.naming = naming
        self.defaultBuckets = defaultBuckets
        self.onConflict = onConflict
        self.conflictCounter = try? registry.counter(
            "tracekit_metrics_bridge_conflicts_total",
            help: "swift-metrics registrations refused by the registry (name taken with another type or labels).")
    }

    /// The refused registrations so far, oldest first (at most ``conflictsKept``).
    public var conflicts: [MetricsRegistryError] { conflictLog.withLock { $0 } }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        register(label, dimensions, isTimer: false, rejected: RejectedMetricHandler() as any CounterHandler) {
            name, labelNames, _ throws(MetricsRegistryError) in
            let family = try registry.counterFamily(name, help: Self.help("counter", label), labelNames: labelNames)
            return { labels throws(MetricsRegistryError) in RegistryCounterHandler(try family.labels(labels)) }
        }
    }

    public func makeFloatingPointCounter(
        label: String, dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        register(
            label, dimensions, isTimer: false, rejected: RejectedMetricHandler() as any FloatingPointCounterHandler
        ) { name, labelNames, _ throws(MetricsRegistryError) in
            let family = try registry.floatingCounterFamily(
                name, help: Self.help("floating-point counter", label), labelNames: labelNames)
            return { labels throws(MetricsRegistryError) in RegistryFloatingCounterHandler(try family.labels(labels)) }
        }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        register(label, dimensions, isTimer: false, rejected: RejectedMetricHandler() as any RecorderHandler) {
            name, labelNames, buckets throws(MetricsRegistryError) in
            if aggregate {
                let family = try registry.histogramFamily(
                    name, help: Self.help("recorder", label), labelNames: labelNames, buckets: buckets)
                return { labels throws(MetricsRegistryError) in RegistryHistogramHandler(try family.labels(labels)) }
            }
            let family = try registry.gaugeFamily(name, help: Self.help("recorder", label), labelNames: labelNames)
            return { labels throws(MetricsRegistryError) in RegistryGaugeHandler(try family.labels(labels)) }
        }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        register(label, dimensions, isTimer: false, rejected: RejectedMetricHandler() as any MeterHandler) {
            name, labelNames, _ throws(MetricsRegistryError) in
            let family = try registry.gaugeFamily(name, help: Self.help("meter", label), labelNames: labelNames)
            return { labels throws(MetricsRegistryError) in RegistryGaugeHandler(try family.labels(labels)) }
        }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        register(label, dimensions, isTimer: true, rejected: RejectedMetricHandler() as any TimerHandler) {
            name, labelNames, buckets throws(MetricsRegistryError) in
            let family = try registry.histogramFamily(
                name, help: Self.help("timer", label), unit: "seconds", labelNames: labelNames, buckets: buckets)
            return { labels throws(MetricsRegistryError) in RegistryTimerHandler(try family.labels(labels)) }
        }
    }

    /// The registry keeps every series for the life of the process, so destroying a handler changes nothing.
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    private static func help(_ kind: String, _ label: String) -> String {
        "swift-metrics \(kind) '\(label)'."
    }

    /// Resolves names, registers the family and binds the series; any refusal is reported and gets a handler that
    /// records nothing.
    private func register<Handler>(
        _ label: String,
        _ dimensions: [(String, String)],
        isTimer: Bool,
        rejected: Handler,
        _ makeFamily: (
            _ name: String, _ labelNames: [String], _ buckets: [Double]
        ) throws(MetricsRegistryError) -> ([String: String]) throws(MetricsRegistryError) -> Handler
    ) -> Handler {
        if naming.ignoredLabels.contains(label) { return rejected }
        let resolved = naming.resolve(label: label, dimensions: dimensions, isTimer: isTimer)
        do throws(MetricsRegistryError) {
            guard resolved.labels.count == resolved.keptDimensions else {
                let names = dimensions.map { $0.0 }
                let repeated = names.first { name in names.filter { $0 == name }.count > 1 } ?? label
                throw MetricsRegistryError.duplicateLabelName(metric: resolved.name, label: repeated)
            }
            let bind = try makeFamily(
                resolved.name, resolved.labels.keys.sorted(), resolved.buckets ?? defaultBuckets)
            return try bind(resolved.labels)
        } catch {
            report(error)
            return rejected
        }
    }

    private func report(_ error: MetricsRegistryError) {
        conflictCounter?.increment()
        conflictLog.withLock { log in
            if log.count < Self.conflictsKept { log.append(error) }
        }
        onConflict(error)
    }
}
