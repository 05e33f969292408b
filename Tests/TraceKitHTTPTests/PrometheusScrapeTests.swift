// Tests that a real Prometheus server scrapes /metrics and reads back counters and histogram quantiles.

import Foundation
import Testing
import TraceKitHTTP
import TraceMetrics

@Suite struct PrometheusScrapeTests {
    @Test func prometheusReadsTheCounterAndAHistogramQuantile() async throws {
        guard let prometheus = ExternalTool.find("prometheus") else {
            _ = ExternalTool.require(false, "prometheus (Debian package prometheus)")
            return
        }
        let registry = MetricsRegistry()
        let jobs = try registry.counterFamily("tk_scrape_jobs_total", help: "Jobs.", labelNames: ["queue"])
        try jobs.labels(["queue": "mail"]).increment(by: 17)
        let durations = try registry.histogram("tk_scrape_job_duration_seconds", help: "Job time.", unit: "seconds")
        // 90 fast jobs in (0.025, 0.05], 10 slow ones in (0.25, 0.5]: the 95th percentile lies in the slow bucket.
        for _ in 0..<90 { durations.observe(0.03) }
        for _ in 0..<10 { durations.observe(0.3) }

        try await withMetricsServer(registry) { port in
            let server = try PrometheusServer(executable: prometheus, scrapePort: port)
            defer { server.stop() }
            let jobsSeen = try await server.poll("tk_scrape_jobs_total{queue=\"mail\"}") { $0 == 17 }
            #expect(jobsSeen == 17)
            let p95 = try await server.poll(
                "histogram_quantile(0.95, sum by (le) (tk_scrape_job_duration_seconds_bucket))"
            ) { !$0.isNaN }
            let quantile = try #require(p95)
            #expect(quantile > 0.25 && quantile <= 0.5, "p95 \(quantile) outside the (0.25, 0.5] bucket")
            // Prometheus negotiated OpenMetrics (it asks for it first) and still parsed every sample.
            let up = try await server.poll("up{job=\"tracekit\"}") { $0 == 1 }
            #expect(up == 1)
        }
    }
}
