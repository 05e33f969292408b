// TracingStatisticsMetricsTests: every /metrics endpoint serves the spans tracing lost and what limits removed.

import Foundation
import Testing
import TraceKit
import TraceKitHTTP
import TraceLog
import TraceMetrics

@Suite struct TracingStatisticsMetricsTests {
    @Test func everyEndpointServesDroppedSpansByReasonAndLimitEffectsOfTheInstalledRecorder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dropped-\(UUID()).tklog").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = LogWriterOptions()
        options.bufferCapacity = 8
        options.flushInterval = .seconds(60)
        options.overflowPolicy = .dropNewest
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "dropping"), options: options)
        let recorder = TraceRecorder(
            TraceConfiguration(service: "dropping", sinks: [writer], limits: SpanLimits(maxAttributeCount: 1)))
        let registry = MetricsRegistry()
        // Two endpoints on one registry (a server and a route, say) must not count twice.
        _ = MetricsEndpoint(registry: registry)
        _ = MetricsEndpoint(registry: registry, path: "/other")

        let text = TraceSystem.withRecorder(recorder) {
            for index in 0..<20_000 { traceOperation("burst", ["index": .integer(index), "extra": 1]) {} }
            writer.flush()
            return registry.exposition(.prometheusText)
        }
        let dropped = writer.statistics.spansDropped
        #expect(dropped > 0)
        #expect(
            LogWriterMetricsTests.sample(text, "tracekit_spans_dropped_total{reason=\"buffer_full\"}")
                == Double(dropped))
        #expect(LogWriterMetricsTests.sample(text, "tracekit_spans_dropped_total{reason=\"write_failed\"}") == 0)
        #expect(
            LogWriterMetricsTests.sample(text, "tracekit_span_limits_applied_total{effect=\"attribute_dropped\"}")
                == 20_000)
        #expect(text.contains("# TYPE tracekit_spans_dropped_total counter"))

        // A new recorder (after a shutdown and a new bootstrap) adds on top: the counter never goes down.
        writer.shutdown()
        let second = TraceRecorder(TraceConfiguration(service: "second", limits: SpanLimits(maxAttributeCount: 1)))
        let later = TraceSystem.withRecorder(second) {
            traceOperation("one", ["a": 1, "b": 2]) {}
            return registry.exposition(.prometheusText)
        }
        #expect(
            LogWriterMetricsTests.sample(later, "tracekit_span_limits_applied_total{effect=\"attribute_dropped\"}")
                == 20_001)
        #expect(
            LogWriterMetricsTests.sample(later, "tracekit_spans_dropped_total{reason=\"buffer_full\"}")
                == Double(dropped))
    }
}
