// Tests that swift-metrics counters, recorders, timers and meters record into a TraceKit registry.

import Foundation
import Metrics
import Testing
import TraceKitBridges
import TraceMetrics

@Suite struct MetricsFactoryBridgeTests {
    @Test func counterWithDimensionsBecomesALabelledPrometheusCounter() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry)
        let counter = Counter(label: "jobs.done", dimensions: [("queue.name", "mail")], factory: factory)
        counter.increment(by: 3)
        counter.increment()
        counter.increment(by: -5)  // counters never go down
        let text = registry.exposition(.prometheusText)
        #expect(text.contains("# TYPE jobs_done_total counter\n"))
        #expect(text.contains("jobs_done_total{queue_name=\"mail\"} 4\n"))
    }

    @Test func floatingCounterKeepsFractions() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry)
        let cost = FloatingPointCounter(label: "llm_cost_dollars", factory: factory)
        cost.increment(by: 0.25)
        cost.increment(by: 0.5)
        #expect(registry.exposition(.prometheusText).contains("llm_cost_dollars_total 0.75\n"))
    }

    @Test func aggregatingRecorderIsAHistogramAndPlainRecorderAGauge() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry, defaultBuckets: [1, 10, 100])
        let sizes = Recorder(label: "batch.size", aggregate: true, factory: factory)
        for value in [0.5, 5, 50, 500] { sizes.record(value) }
        let depth = Recorder(label: "queue.depth", aggregate: false, factory: factory)
        depth.record(7)
        depth.record(3)
        let text = registry.exposition(.prometheusText)
        #expect(text.contains("# TYPE batch_size histogram\n"))
        #expect(text.contains("batch_size_bucket{le=\"10\"} 2\n"))
        #expect(text.contains("batch_size_bucket{le=\"+Inf\"} 4\n"))
        #expect(text.contains("batch_size_count 4\n"))
        #expect(text.contains("# TYPE queue_depth gauge\n"))
        #expect(text.contains("queue_depth 3\n"))
    }

    @Test func timerIsAHistogramInSeconds() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry)
        let timer = Metrics.Timer(label: "db.query", dimensions: [("table", "apps")], factory: factory)
        timer.recordMilliseconds(30)
        timer.recordNanoseconds(2_000_000_000)
        let text = registry.exposition(.prometheusText)
        #expect(text.contains("# TYPE db_query_seconds histogram\n"))
        #expect(text.contains("db_query_seconds_bucket{table=\"apps\",le=\"0.05\"} 1\n"))
        #expect(text.contains("db_query_seconds_sum{table=\"apps\"} 2.03\n"))
        #expect(text.contains("db_query_seconds_count{table=\"apps\"} 2\n"))
    }

    @Test func meterIsAGaugeThatGoesUpAndDown() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry)
        let active = Meter(label: "apps.active", factory: factory)
        active.set(5)
        active.increment(by: 2)
        active.decrement(by: 4)
        #expect(registry.exposition(.prometheusText).contains("apps_active 3\n"))
    }

    @Test func namesAreSanitisedToPrometheusRules() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry)
        Counter(label: "9lives/http-requests", dimensions: [("__secret", "x"), ("a.b-c", "y")], factory: factory)
            .increment()
        #expect(
            registry.exposition(.prometheusText).contains("_9lives_http_requests_total{_secret=\"x\",a_b_c=\"y\"} 1\n"))
    }

    @Test func conflictingRegistrationIsReportedNotTrapped() {
        let registry = MetricsRegistry()
        let reported = ReportedErrors()
        let factory = TraceKitMetricsFactory(registry: registry, onConflict: { reported.append($0) })
        Counter(label: "jobs", dimensions: [("queue", "a")], factory: factory).increment()
        // Same name, other label names: the registry refuses; the handler records nothing and nothing traps.
        Counter(label: "jobs", dimensions: [("region", "eu")], factory: factory).increment(by: 10)
        // Same name, other type.
        Meter(label: "jobs", factory: factory).set(1)
        #expect(factory.conflicts.count == 2)
        #expect(reported.count == 2)
        #expect(
            factory.conflicts.first
                == .labelNamesConflict(metric: "jobs", registered: ["queue"], requested: ["region"]))
        let text = registry.exposition(.prometheusText)
        #expect(text.contains("jobs_total{queue=\"a\"} 1\n"))
        #expect(!text.contains("region"))
        #expect(text.contains("tracekit_metrics_bridge_conflicts_total 2\n"))
    }

    @Test func dimensionOrderDoesNotSplitSeries() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry)
        Counter(label: "hits", dimensions: [("a", "1"), ("b", "2")], factory: factory).increment()
        Counter(label: "hits", dimensions: [("b", "2"), ("a", "1")], factory: factory).increment()
        #expect(factory.conflicts.isEmpty)
        #expect(registry.exposition(.prometheusText).contains("hits_total{a=\"1\",b=\"2\"} 2\n"))
    }

    @Test func hummingbirdNamingMapsToTheSeedBackendNames() {
        let registry = MetricsRegistry()
        let factory = TraceKitMetricsFactory(registry: registry, naming: .hummingbird(prefix: "backend"))
        let dimensions = [
            ("http.route", "/apps/{id}"), ("http.request.method", "GET"), ("http.response.status_code", "200"),
        ]
        Counter(label: "hb.requests", dimensions: dimensions, factory: factory).increment()
        Metrics.Timer(label: "http.server.request.duration", dimensions: dimensions, factory: factory)
            .recordMilliseconds(12)
        Counter(label: "hb.request.errors", dimensions: dimensions, factory: factory).increment()
        let text = registry.exposition(.prometheusText)
        #expect(text.contains("backend_http_requests_total{method=\"GET\",path=\"/apps/{id}\",status=\"200\"} 1\n"))
        #expect(!text.contains("error"))
        #expect(factory.conflicts.isEmpty)
        #expect(
            text.contains(
                "backend_http_request_duration_seconds_count{method=\"GET\",path=\"/apps/{id}\"} 1\n"))
    }
}

/// Collects errors handed to `onConflict` from any thread.
// @unchecked Sendable: `errors` is only touched under `lock`.
final class ReportedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [MetricsRegistryError] = []
    func append(_ error: MetricsRegistryError) { lock.withLock { errors.append(error) } }
    var count: Int { lock.withLock { errors.count } }
}
