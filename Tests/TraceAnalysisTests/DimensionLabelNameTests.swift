// DimensionLabelNameTests: any attribute key can be a dimension; its label name follows Prometheus' rules.

import Testing
import TraceKit
import TraceMetrics

@testable import TraceAnalysis

@Suite struct DimensionLabelNameTests {
    /// A key starting with `__` (reserved by Prometheus) used to become a label name the registry refuses, so the
    /// analyzer could not be created; keys with dots, dashes and leading digits are rewritten too.
    @Test func reservedAndForeignKeysBecomeValidLabelNames() throws {
        var configuration = SpanAnalyzerConfiguration()
        configuration.dimensions = ["__internal.flag", "9lives", "tenant-id"]
        let registry = MetricsRegistry()
        let analyzer = try SpanAnalyzer(registry: registry, configuration: configuration)
        analyzer.consume(
            SpanRecord(
                traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), name: "work",
                startUnixNanoseconds: 1_000, durationNanoseconds: 500,
                attributes: ["__internal.flag": .bool(true), "9lives": .int(9), "tenant-id": .string("t1")]))
        let text = registry.exposition()
        #expect(text.contains("_internal_flag=\"true\""))
        #expect(text.contains("_9lives=\"9\""))
        #expect(text.contains("tenant_id=\"t1\""))
        #expect(!text.contains("__internal"))
    }

    @Test(arguments: ["", "__", "___x", "a.b", "é", "0", "le", "with space", "__name__", "::", "ok_name"])
    func everyRewrittenLabelNameIsOneTheRegistryAccepts(_ key: String) throws {
        let registry = MetricsRegistry()
        let name = PrometheusName.label(key)
        _ = try registry.counterFamily("test_total", help: "A test.", labelNames: [name])
    }
}
