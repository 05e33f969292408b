// Tests that each derived duration histogram has buckets that resolve the durations of its layer.

import Testing
import TraceAnalysis
import TraceKit
import TraceMetrics

@Suite struct LayerBucketTests {
    /// 200 spans of `name` lasting `typical` nanoseconds, spread uniformly from 0.5x to 1.5x of it.
    static func spans(
        _ name: String, typical: UInt64, kind: SpanRecord.Kind = .internal, attributes: TraceAttributes = [:],
        firstID: UInt64
    ) -> [SpanRecord] {
        (0..<200).map { index in
            SpanRecord(
                traceID: TraceID(high: 9, low: firstID + UInt64(index)),
                spanID: SpanID(rawValue: firstID + UInt64(index)),
                name: name, kind: kind, startUnixNanoseconds: SpanFixtures.epoch,
                durationNanoseconds: typical / 2 + typical * UInt64(index) / 200, attributes: attributes)
        }
    }

    /// The exact 95th percentile of the durations of `spans`, in seconds.
    static func exactP95(_ spans: [SpanRecord]) -> Double {
        let sorted = spans.map(\.durationNanoseconds).sorted()
        return Double(sorted[Int(0.95 * Double(sorted.count - 1))]) / 1e9
    }

    /// For each family and the durations typical of its layer, the p95 read from the buckets the way PromQL's
    /// `histogram_quantile` reads it (`MetricsRegistry.stats`) is within a bucket step (2.5x) of the exact one.
    @Test func everyLayersTypicalDurationsReadWithinABucketStep() throws {
        let layers: [(family: String, spans: [SpanRecord])] = [
            (
                "kernel_syscall_duration_seconds",
                Self.spans("read", typical: 3_000, attributes: [SyscallAttributes.name: "read"], firstID: 1_000)
            ),
            (
                "backend_http_request_duration_seconds",
                Self.spans(
                    "GET /api/apps", typical: 400_000, kind: .server,
                    attributes: ["http.route": "/api/apps", "http.request.method": "GET"], firstID: 2_000)
            ),
            ("ai_ui_duration_seconds", Self.spans("ui_generation", typical: 20_000_000, firstID: 3_000)),
            (
                "ai_llm_call_duration_seconds",
                Self.spans(
                    "llm_call", typical: 15_000_000, kind: .client, attributes: ["model": "small"], firstID: 4_000)
            ),
            (
                "ui_tool_execution_duration_seconds",
                Self.spans("tool_execution", typical: 20_000_000, attributes: ["tool": "chat"], firstID: 5_000)
            ),
        ]
        for (family, spans) in layers {
            let registry = MetricsRegistry()
            let analyzer = try SpanAnalyzer(registry: registry)
            analyzer.consume(contentsOf: spans)
            let exact = Self.exactP95(spans)
            let read = try #require(registry.stats(family), "\(family) is not derived")
            #expect(read.count == spans.count, "\(family)")
            #expect(
                read.p95 >= exact / 2.5 && read.p95 <= exact * 2.5,
                "\(family): p95 reads \(read.p95) s, exact \(exact) s")
            // The generic span histogram holds every layer, so it must resolve each of them too.
            let generic = try #require(registry.stats("traces_span_metrics_duration_seconds"))
            #expect(
                generic.p95 >= exact / 2.5 && generic.p95 <= exact * 2.5,
                "traces_span_metrics_duration_seconds for \(family): p95 reads \(generic.p95) s, exact \(exact) s")
        }
    }

    @Test func layerBucketSetsAreAscendingAndSpanTheirLayers() {
        let sets: [(name: String, bounds: [Double], lowest: Double, highest: Double)] = [
            ("syscall", HistogramBuckets.syscallSeconds, 0.000_001, 0.1),
            ("http", HistogramBuckets.httpSeconds, 0.000_1, 30),
            ("ai", HistogramBuckets.aiSeconds, 0.005, 60),
            ("span", HistogramBuckets.spanSeconds, 0.000_001, 60),
        ]
        for set in sets {
            #expect(zip(set.bounds, set.bounds.dropFirst()).allSatisfy { $0 < $1 }, "\(set.name)")
            #expect(set.bounds.first == set.lowest && set.bounds.last == set.highest, "\(set.name)")
            // No gap wider than a factor 4, so a quantile is never more than one coarse step off.
            #expect(zip(set.bounds, set.bounds.dropFirst()).allSatisfy { $1 / $0 <= 4 }, "\(set.name)")
        }
        #expect(SpanAnalyzerConfiguration.defaultBuckets == HistogramBuckets.spanSeconds)
    }
}
