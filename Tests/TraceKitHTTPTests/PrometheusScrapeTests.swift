// Tests that a real Prometheus server scrapes /metrics and reads back counters and histogram quantiles.

import Foundation
import Testing
import TraceAnalysis
import TraceKit
import TraceKitHTTP
import TraceMetrics

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
}
