// Checks our exposition against real peers: promtool and Python prometheus-client's two parsers.

import Foundation
import Testing
import TraceMetrics

@Suite("Exposition read by real peers")
struct PeerCompatibilityTests {
    static let promtoolNote: Comment =
        "promtool not installed (Debian package 'prometheus'); skipped here, a failure when CI=true"
    static let pythonNote: Comment =
        "python3 with prometheus-client not installed (pip install prometheus-client); skipped, a failure when CI=true"

    @Test(
        "promtool check metrics accepts the Prometheus text output",
        .enabled(if: PeerTools.runPromtoolTests, promtoolNote))
    func promtoolAcceptsPrometheusText() throws {
        let promtool = try #require(PeerTools.promtool, "promtool is missing: install the Debian package 'prometheus'")
        let fixture = try MetricsFixture()
        let result = try PeerTools.run(
            promtool, ["check", "metrics"], input: fixture.registry.expositionBytes(.prometheusText))
        #expect(result.status == 0, "promtool check metrics: \(result.stdout) \(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "lint findings: \(result.stdout) \(result.stderr)")
    }

    /// promtool 2.x's `check metrics` reads only the 0.0.4 format; its OpenMetrics parser (the one Prometheus
    /// scrapes with) runs in `tsdb create-blocks-from openmetrics`, which needs timestamped samples. It rejects
    /// anything that is not valid OpenMetrics (missing `# EOF`, bad exemplars, bad `_total`/`_created`).
    @Test(
        "promtool's OpenMetrics parser ingests the OpenMetrics output",
        .enabled(if: PeerTools.runPromtoolTests, promtoolNote))
    func promtoolIngestsOpenMetrics() throws {
        let promtool = try #require(PeerTools.promtool, "promtool is missing: install the Debian package 'prometheus'")
        let fixture = try MetricsFixture()
        let text = fixture.registry.expositionBytes(.openMetrics, timestamp: 1_700_000_100)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tracemetrics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let input = directory.appendingPathComponent("metrics.om")
        try Data(text).write(to: input)
        let create = try PeerTools.run(
            promtool,
            ["tsdb", "create-blocks-from", "openmetrics", input.path, directory.appendingPathComponent("data").path],
            input: [])
        #expect(create.status == 0, "promtool rejected the OpenMetrics text: \(create.stdout) \(create.stderr)")

        // `tsdb dump` opens the head too, so it needs the (empty) WAL directory a backfill does not create.
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("data/wal"), withIntermediateDirectories: true)
        let dump = try PeerTools.run(
            promtool, ["tsdb", "dump", directory.appendingPathComponent("data").path], input: [])
        #expect(dump.status == 0, "promtool tsdb dump: \(dump.stderr)")
        // Dump lines look like: {__name__="apps_active"} 7 1700000100000
        #expect(dump.stdout.contains("{__name__=\"apps_active\"} 7 1700000100000"))
        #expect(
            dump.stdout.contains("{__name__=\"http_requests_total\", method=\"GET\", status=\"200\"} 3 1700000100000"))
        #expect(
            dump.stdout.contains(
                "{__name__=\"request_duration_seconds_bucket\", le=\"0.5\", path=\"/apps\"} 4 1700000100000"))
        let seriesCount = dump.stdout.split(separator: "\n").count
        #expect(seriesCount == fixture.expected.count + fixture.expectedCreated.count + 2)  // + 2 summary quantiles
    }

    @Test(
        "promtool rejects a broken exposition, so the checks above can fail",
        .enabled(if: PeerTools.runPromtoolTests, promtoolNote))
    func promtoolRejectsBrokenText() throws {
        let promtool = try #require(PeerTools.promtool, "promtool is missing: install the Debian package 'prometheus'")
        let broken = Array("# HELP x_total X.\n# TYPE x_total counter\nx_total{a=\"unterminated} 1\n".utf8)
        let result = try PeerTools.run(promtool, ["check", "metrics"], input: broken)
        #expect(result.status != 0)
    }

    @Test(
        "prometheus-client's text parser reads every recorded value", .enabled(if: PeerTools.runPythonTests, pythonNote)
    )
    func pythonTextParserReadsEveryValue() throws {
        let python = try #require(PeerTools.pythonWithPrometheusClient, "python3 with prometheus-client is missing")
        let fixture = try MetricsFixture()
        let samples = try PythonParser.parse(
            fixture.registry.expositionBytes(.prometheusText), as: .prometheus, python: python)
        try Self.expectValuesMatch(samples, expected: fixture.expected, summaryCount: 2)
        let help = samples.first { $0.family == "http_requests" }?.documentation
        #expect(help == MetricsFixture.requestsHelp)
    }

    @Test(
        "prometheus-client's OpenMetrics parser reads every value, _created, units and the exemplar",
        .enabled(if: PeerTools.runPythonTests, pythonNote))
    func pythonOpenMetricsParserReadsEveryValue() throws {
        let python = try #require(PeerTools.pythonWithPrometheusClient, "python3 with prometheus-client is missing")
        let fixture = try MetricsFixture()
        let samples = try PythonParser.parse(
            fixture.registry.expositionBytes(.openMetrics), as: .openmetrics, python: python)
        let expected = fixture.expected.merging(fixture.expectedCreated) { first, _ in first }
        try Self.expectValuesMatch(samples, expected: expected, summaryCount: 2)

        #expect(samples.first { $0.family == "http_requests" }?.documentation == MetricsFixture.requestsHelp)
        let units = Dictionary(samples.map { ($0.family, $0.unit) }) { first, _ in first }
        #expect(units["request_duration_seconds"] == "seconds")
        #expect(units["worker_busy_seconds"] == "seconds")
        #expect(units["response_size_bytes"] == "bytes")
        let types = Dictionary(samples.map { ($0.family, $0.type) }) { first, _ in first }
        #expect(types["http_requests"] == "counter")
        #expect(types["request_duration_seconds"] == "histogram")
        #expect(types["response_size_bytes"] == "summary")

        let withExemplars = samples.filter { $0.exemplar != nil }
        try #require(withExemplars.count == 1)
        let bucket = withExemplars[0]
        #expect(bucket.name == "request_duration_seconds_bucket")
        #expect(bucket.labels["le"] == "0.5")
        #expect(
            bucket.exemplar?.labels == ["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"])
        #expect(bucket.exemplar?.value == 0.3)
        #expect(bucket.exemplar?.timestamp == 1_700_000_001.25)
    }

    @Test(
        "hostile label values round-trip exactly through both parsers",
        .enabled(if: PeerTools.runPythonTests, pythonNote))
    func hostileLabelValuesRoundTrip() throws {
        let python = try #require(PeerTools.pythonWithPrometheusClient, "python3 with prometheus-client is missing")
        let fixture = try MetricsFixture()
        for (format, bytes) in [
            (PythonParser.Format.prometheus, fixture.registry.expositionBytes(.prometheusText)),
            (.openmetrics, fixture.registry.expositionBytes(.openMetrics)),
        ] {
            let samples = try PythonParser.parse(bytes, as: format, python: python)
            let parsed = samples.filter { $0.name == "hostile_labels_total" }
            #expect(parsed.count == MetricsFixture.hostileValues.count, "\(format)")
            for (index, value) in MetricsFixture.hostileValues.enumerated() {
                let match = parsed.filter {
                    Array(($0.labels["value"] ?? "").unicodeScalars) == Array(value.unicodeScalars)
                }
                #expect(match.count == 1, "\(format): value \(value.debugDescription) not read back exactly once")
                #expect(match.first?.value == Double(index + 1), "\(format): value \(value.debugDescription)")
            }
            #expect(!samples.contains { $0.name == "fake_metric" }, "\(format): a label value injected a line")
        }
    }

    @Test(
        "prometheus-client rejects a broken exposition, so the checks above can fail",
        .enabled(if: PeerTools.runPythonTests, pythonNote))
    func pythonRejectsBrokenText() throws {
        let python = try #require(PeerTools.pythonWithPrometheusClient, "python3 with prometheus-client is missing")
        let missingEOF = Array("# TYPE x counter\nx_total 1\n".utf8)
        #expect(throws: PythonParser.ParseFailure.self) {
            try PythonParser.parse(missingEOF, as: .openmetrics, python: python)
        }
    }

    /// Empty families, an empty summary, negative buckets, an overflowed family and non-finite gauges.
    static func edgeCaseRegistry() throws -> MetricsRegistry {
        let registry = MetricsRegistry(clock: .fixed(1_700_000_000))
        _ = try registry.counterFamily("never_used_total", help: "No series yet.", labelNames: ["a"])
        _ = try registry.summary("empty_seconds", help: "No observations.", unit: "seconds")
        try registry.histogram("offset_seconds", help: "Signed offsets.", unit: "seconds", buckets: [-1, 0, 1])
            .observe(-0.25)
        let users = try registry.counterFamily(
            "user_logins_total", help: "Logins.", labelNames: ["user"], seriesLimit: 2)
        for user in ["ann", "bob", "cy", "dee"] { try users.labels(["user": user]).increment() }
        let odd = try registry.gaugeFamily("odd_values", help: "Non-finite.", labelNames: ["kind"])
        try odd.labels(["kind": "inf"]).set(.infinity)
        try odd.labels(["kind": "minus_inf"]).set(-.infinity)
        try odd.labels(["kind": "nan"]).set(.nan)
        return registry
    }

    @Test(
        "edge cases pass promtool and both prometheus-client parsers",
        .enabled(if: PeerTools.runPromtoolTests && PeerTools.runPythonTests, "promtool or prometheus-client missing"))
    func edgeCasesAccepted() throws {
        let promtool = try #require(PeerTools.promtool, "promtool is missing: install the Debian package 'prometheus'")
        let python = try #require(PeerTools.pythonWithPrometheusClient, "python3 with prometheus-client is missing")
        let registry = try Self.edgeCaseRegistry()
        let lint = try PeerTools.run(promtool, ["check", "metrics"], input: registry.expositionBytes(.prometheusText))
        #expect(lint.status == 0, "promtool: \(lint.stdout) \(lint.stderr)")
        let text = try PythonParser.parse(registry.expositionBytes(.prometheusText), as: .prometheus, python: python)
        let openMetrics = try PythonParser.parse(
            registry.expositionBytes(.openMetrics), as: .openmetrics, python: python)
        for samples in [text, openMetrics] {
            #expect(samples.first { $0.labels["otel_metric_overflow"] == "true" }?.value == 2)
            #expect(samples.first { $0.name == "tracekit_metric_series_overflow_total" }?.value == 2)
            #expect(samples.first { $0.labels["kind"] == "inf" }?.value == .infinity)
            #expect(samples.first { $0.labels["kind"] == "minus_inf" }?.value == -.infinity)
            #expect(samples.first { $0.labels["kind"] == "nan" }?.value.isNaN == true)
            #expect(samples.first { $0.name == "empty_seconds_count" }?.value == 0)
        }
        #expect(!openMetrics.contains { $0.name == "offset_seconds_sum" || $0.name == "offset_seconds_count" })
        #expect(text.first { $0.name == "offset_seconds_sum" }?.value == -0.25)
    }

    /// Every expected sample is present once with its value, and nothing else is there except summary quantiles.
    static func expectValuesMatch(_ samples: [ParsedSample], expected: [String: Double], summaryCount: Int) throws {
        var seen: [String: Double] = [:]
        var quantiles: [ParsedSample] = []
        for sample in samples {
            if sample.labels["quantile"] != nil {
                quantiles.append(sample)
                continue
            }
            var labels = sample.labels
            if let le = labels["le"], let bound = Double(le) {
                labels["le"] = MetricsFixture.goSpelling(bound)  // OpenMetrics writes "1.0" where 0.0.4 writes "1"
            }
            let key = SampleKey.make(sample.name, labels)
            #expect(seen[key] == nil, "sample \(key) appears twice")
            seen[key] = sample.value
        }
        #expect(
            Set(seen.keys) == Set(expected.keys),
            "missing: \(Set(expected.keys).subtracting(seen.keys)), extra: \(Set(seen.keys).subtracting(expected.keys))"
        )
        for (key, value) in expected {
            #expect(seen[key] == value, "\(key): parsed \(String(describing: seen[key])), recorded \(value)")
        }
        #expect(quantiles.count == summaryCount)
        let sorted = MetricsFixture.summaryObservations.sorted()
        for sample in quantiles {
            let q = try #require(Double(sample.labels["quantile"] ?? ""))
            let exact = sorted[Int(q * Double(sorted.count - 1))]
            #expect(
                abs(sample.value - exact) <= 0.01 * exact + 1e-12, "quantile \(q): \(sample.value) vs exact \(exact)")
        }
    }
}
