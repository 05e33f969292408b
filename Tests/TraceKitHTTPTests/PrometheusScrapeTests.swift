// Tests that a real Prometheus server scrapes /metrics and reads back counters and histogram quantiles.

import Foundation
import Synchronization
import Testing
import TraceAnalysis
import TraceKit
import TraceLog
import TraceMetrics

@testable import TraceKitHTTP

@Suite struct PrometheusScrapeTests {
    /// A server span of `seconds`, as Hummingbird's TracingMiddleware records it through the bridge.
    static func serverSpan(index: Int, seconds: Double) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 1, low: UInt64(index + 1)), spanID: SpanID(rawValue: UInt64(index + 1)),
            parentSpanID: nil,
            name: "/apps/{id}", kind: .server, status: .unset, startUnixNanoseconds: 1_700_000_000_000_000_000,
            durationNanoseconds: UInt64(seconds * 1e9),
            attributes: [
                "http.route": .string("/apps/{id}"), "http.request.method": .string("GET"),
                "http.response.status_code": .int(200),
            ])
    }

    @Test func prometheusReadsTheCounterAndTheP95OfADerivedDurationHistogram() async throws {
        guard let prometheus = ExternalTool.find("prometheus") else {
            _ = ExternalTool.require(false, "prometheus (Debian package prometheus)")
            return
        }
        let registry = MetricsRegistry()
        let jobs = try registry.counterFamily("tk_scrape_jobs_total", help: "Jobs.", labelNames: ["queue"])
        try jobs.labels(["queue": "mail"]).increment(by: 17)
        let analyzer = try SpanAnalyzer(registry: registry)

        try await withMetricsServer(registry) { port in
            let server = try PrometheusServer(executable: prometheus, scrapePort: port)
            defer { server.stop() }
            // Spans keep arriving while Prometheus scrapes, so rate() sees increases: of every 20 requests 18 take
            // 30 ms and 2 take 300 ms, so the 95th percentile lies in the (0.25, 0.5] bucket.
            let feeder = Task {
                var index = 0
                while !Task.isCancelled && index < 20_000 {
                    for offset in 0..<20 {
                        analyzer.consume(Self.serverSpan(index: index, seconds: offset < 2 ? 0.3 : 0.03))
                        index += 1
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            defer { feeder.cancel() }

            let jobsSeen = try await server.poll("tk_scrape_jobs_total{queue=\"mail\"}") { $0 == 17 }
            #expect(jobsSeen == 17)
            let expression =
                "histogram_quantile(0.95, sum by (le) (rate(backend_http_request_duration_seconds_bucket"
                + "{path=\"/apps/{id}\"}[1m])))"
            let p95 = try await server.poll(expression) { !$0.isNaN }
            let quantile = try #require(p95, "Prometheus never answered \(expression)")
            #expect(quantile > 0.25 && quantile <= 0.5, "p95 \(quantile) outside the (0.25, 0.5] bucket")
            // The span-metrics family of the same spans answers too.
            let spanP95 = try await server.poll(
                "histogram_quantile(0.95, sum by (le) (traces_span_metrics_duration_seconds_bucket"
                    + "{span_name=\"/apps/{id}\"}))"
            ) { !$0.isNaN }
            let spanQuantile = try #require(spanP95)
            #expect(spanQuantile > 0.2 && spanQuantile <= 0.4, "span p95 \(spanQuantile) outside (0.2, 0.4]")
            let up = try await server.poll("up{job=\"tracekit\"}") { $0 == 1 }
            #expect(up == 1)
        }
    }

    /// One `tracekit serve --follow` in the test process: a follower and a server on one registry whose clock reads
    /// the log's start (as serve's does), on a fixed port; `holdAfter` holds the replay after that many spans.
    static func startInstance(
        log: String, port: Int, logBegan: Double, hold: (@Sendable () -> Void)?
    ) throws -> (task: Task<Void, any Error>, readiness: MetricsReadiness) {
        let registry = MetricsRegistry(clock: .fixed(logBegan))
        var feeder = LogMetricsService(paths: [log], follow: true, analyzer: try SpanAnalyzer(registry: registry))
        feeder.pollInterval = .milliseconds(50)
        feeder.afterEntry = hold
        let server = MetricsServer(
            registry: registry, configuration: .init(port: port, processMetrics: false), readiness: feeder.readiness)
        let task = Task { [feeder] in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await feeder.run() }
                group.addTask { try await server.run() }
                try await group.waitForAll()
            }
        }
        return (task, feeder.readiness)
    }

    /// A real Prometheus scrapes `serve --follow` while the log grows, across a restart whose replay is held until
    /// Prometheus has scraped during it. Before the fix those scrapes saw a partial count, a counter reset to
    /// Prometheus (`rate()` jumped ~18x); now they get 503 (`up` 0, no samples) and `resets()` stays 0, which is
    /// what keeps `rate()` and `increase()` continuous across the restart.
    @Test func restartOverTheSameLogIsInvisibleToResetsAndRate() async throws {
        guard let prometheus = ExternalTool.find("prometheus") else {
            _ = ExternalTool.require(false, "prometheus (Debian package prometheus)")
            return
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID()).tklog").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let writer = try LogWriter(path: log, resource: Resource(serviceName: "backend"))
        defer { writer.shutdown() }
        for index in 0..<3000 { writer.consume(LogMetricsServiceTests.serverSpan(index, route: "/prom")) }
        writer.flush()
        let logBegan: Double = try {
            guard case .header(let header)? = try LogReader(path: log, readAhead: false).next() else { return 0 }
            return Double(header.openedUnixNanoseconds) / 1e9
        }()
        // The service keeps writing: 20 requests every 200 ms.
        let appending = Task {
            var index = 3000
            while !Task.isCancelled {
                for _ in 0..<20 {
                    writer.consume(LogMetricsServiceTests.serverSpan(index, route: "/prom"))
                    index += 1
                }
                writer.flush()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { appending.cancel() }
        let port = try #require(ExternalTool.freePort())
        let server = try PrometheusServer(executable: prometheus, scrapePort: port)
        defer { server.stop() }
        let series = "backend_http_requests_total{path=\"/prom\"}"

        let first = try Self.startInstance(log: log, port: port, logBegan: logBegan, hold: nil)
        let scrapedFirst = try await server.poll("count_over_time(\(series)[10m])", timeout: .seconds(60)) { $0 >= 3 }
        #expect(scrapedFirst.map { $0 >= 3 } == true, "Prometheus never scraped the first instance")
        first.task.cancel()
        _ = try? await first.task.value

        // The second replay is held after 100 spans until Prometheus has scraped at least once during the hold.
        let gate = ReplayGate()
        let consumed = Atomic<Int>(0)
        let second = try Self.startInstance(log: log, port: port, logBegan: logBegan) {
            if consumed.add(1, ordering: .relaxed).newValue == 100 { gate.holdOnce() }
        }
        defer { second.task.cancel() }
        #expect(try await offThread { gate.waitUntilHeld() })
        let heldAt = Date().timeIntervalSince1970
        let scrapedDuringHold = try await server.poll("timestamp(up{job=\"tracekit\"})", timeout: .seconds(60)) {
            $0 > heldAt + 0.5
        }
        gate.release()
        #expect(scrapedDuringHold.map { $0 > heldAt + 0.5 } == true, "Prometheus did not scrape during the replay")
        #expect(try await SharedInstrumentation.eventually { second.readiness.isReady })
        let readyAt = Date().timeIntervalSince1970
        let scrapedAfter = try await server.poll("timestamp(\(series))", timeout: .seconds(60)) { $0 > readyAt + 2 }
        #expect(scrapedAfter.map { $0 > readyAt + 2 } == true)

        // The scrape during the hold failed (503: up 0) rather than show a partial count.
        #expect(try await server.query("min_over_time(up{job=\"tracekit\"}[10m])") == 0)
        #expect(try await server.query("resets(\(series)[10m])") == 0)
        // `_created` did not move either (Prometheus 2.42 keeps it as a series of its own).
        if let createdChanges = try await server.query(
            "changes(backend_http_requests_created{path=\"/prom\"}[10m])")
        {
            #expect(createdChanges == 0)
        }
    }
}
