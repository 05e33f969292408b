// metricsJSON() parses as JSON and carries every value; stats() gives count, mean and percentiles.

import Foundation
import Testing
import TraceMetrics

@Suite("JSON and stats")
struct JSONAndStatsTests {
    @Test("metricsJSON is valid JSON with every family, series, label and value")
    func jsonCarriesEverything() throws {
        let fixture = try MetricsFixture()
        let json = fixture.registry.metricsJSON()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let metrics = try #require(root["metrics"] as? [[String: Any]])
        #expect(
            metrics.compactMap { $0["name"] as? String } == [
                "apps_active", "hostile_labels_total", "http_requests_total", "request_duration_seconds",
                "response_size_bytes", "room_temperature_celsius", "worker_busy_seconds_total",
            ])
        func family(_ name: String) throws -> [String: Any] {
            try #require(metrics.first { $0["name"] as? String == name })
        }
        let hostile = try #require(try family("hostile_labels_total")["series"] as? [[String: Any]])
        #expect(hostile.count == MetricsFixture.hostileValues.count)
        for (index, value) in MetricsFixture.hostileValues.enumerated() {
            let match = hostile.filter {
                Array((($0["labels"] as? [String: String])?["value"] ?? "").unicodeScalars)
                    == Array(value.unicodeScalars)
            }
            #expect(match.count == 1, "value \(value.debugDescription)")
            #expect((match.first?["value"] as? NSNumber)?.doubleValue == Double(index + 1))
        }
        let latency = try family("request_duration_seconds")
        #expect(latency["type"] as? String == "histogram")
        #expect(latency["unit"] as? String == "seconds")
        let series = try #require((latency["series"] as? [[String: Any]])?.first)
        #expect((series["count"] as? NSNumber)?.intValue == MetricsFixture.durationObservations.count)
        let buckets = try #require(series["buckets"] as? [[String: Any]])
        #expect(buckets.count == 12)
        #expect(buckets.last?["le"] as? String == "+Inf")
        #expect((buckets[6]["le"] as? NSNumber)?.doubleValue == 0.5)
        #expect((buckets[6]["count"] as? NSNumber)?.intValue == 4)
        let temperatures = try #require(try family("room_temperature_celsius")["series"] as? [[String: Any]])
        #expect(
            temperatures.compactMap { ($0["value"] as? NSNumber)?.doubleValue } == [-2.5, 1.5e300, 1.0 / 3.0, 1e-7])
        let summary = try #require((try family("response_size_bytes")["series"] as? [[String: Any]])?.first)
        #expect((summary["quantiles"] as? [[String: Any]])?.count == 2)
    }

    @Test("non-finite values become strings so the JSON stays valid")
    func nonFiniteValuesInJSON() throws {
        let registry = MetricsRegistry()
        try registry.gauge("g", help: "").set(.infinity)
        let json = registry.metricsJSON()
        #expect(json.contains("\"value\":\"+Inf\""))
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(json.utf8)) }
    }

    @Test("stats of a summary: exact count and mean, percentiles within the sketch's accuracy")
    func summaryStats() throws {
        let registry = MetricsRegistry()
        let family = try registry.summaryFamily(
            "tool_execution_seconds", help: "", unit: "seconds", labelNames: ["tool"])
        let values = (1...1000).map(Double.init)
        for (index, value) in values.enumerated() {
            try family.labels(["tool": index % 2 == 0 ? "a" : "b"]).observe(value)
        }
        let stats = try #require(registry.stats("tool_execution_seconds"))
        #expect(stats.count == 1000)
        #expect(stats.mean == 500.5)
        for (estimate, exact) in [(stats.p50, 500.0), (stats.p95, 950.0), (stats.p99, 990.0)] {
            #expect(abs(estimate - exact) <= 0.01 * exact + 1e-9, "\(estimate) vs \(exact)")
        }
    }

    @Test("stats of a histogram interpolate within buckets, as histogram_quantile does")
    func histogramStats() throws {
        let registry = MetricsRegistry()
        let histogram = try registry.histogram("h_seconds", help: "", unit: "seconds", buckets: [1, 2, 3, 4])
        for value in [0.5, 1.5, 1.5, 2.5, 3.5, 3.5, 3.5, 3.5, 5, 5] { histogram.observe(value) }
        let stats = try #require(registry.stats("h_seconds"))
        #expect(stats.count == 10)
        #expect(abs(stats.mean - 3.0) < 1e-12)
        #expect(stats.p50 == 3.25)  // rank 5: bucket (3, 4] holds ranks 5...8, so 3 + 1 * (5 - 4) / 4
        #expect(stats.p95 == 4)  // rank 9.5 is in +Inf: the last finite bound
        #expect(registry.stats("missing") == nil)
        _ = try registry.counter("c_total", help: "")
        #expect(registry.stats("c") == nil)
    }
}
