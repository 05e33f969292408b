// Tests that the span analyzer derives exact metrics, that live and replayed analysis agree, and its bounds.

import Foundation
import Testing
import TraceAnalysis
import TraceKit
import TraceKitTesting
import TraceMetrics

@testable import TraceLog

/// A workload touching every derivation: syscalls (some denied), server requests, ui_generation with errors,
/// llm calls, cache lookups, tool executions; concurrent children so spans finish on several threads.
func analyzerWorkload(requests: Int) async {
    await withTaskGroup(of: Void.self) { group in
        for request in 0..<requests {
            group.addTask {
                await traceOperation(
                    "GET /apps",
                    ["http.route": "/apps", "http.request.method": "GET", "http.response.status_code": 200],
                    kind: .server
                ) {
                    _ = try? spanSyscall("read", pid: 7) { () throws(SyscallError) -> Int in
                        if request % 5 == 0 { throw SyscallError(syscall: "read", errno: 13) }
                        return 1
                    }
                    async let generated: Void = traceOperation("ui_generation", ["action": "generate"]) { span in
                        await traceOperation("llm_call", ["model": "small"], kind: .client) { await Task.yield() }
                        if request % 4 == 0 { span.status = .error(message: "model timeout") }
                    }
                    async let looked: Void = traceOperation("cache_lookup", ["cache.hit": .bool(request % 2 == 0)]) {}
                    _ = await (generated, looked)
                    traceOperation("tool_execution", ["tool": "search"]) {}
                }
            }
        }
    }
}

@Suite struct SpanAnalyzerTests {
    static let clock = MetricsClock.fixed(1_764_000_000)

    @Test func liveAndReplayedAnalysisGiveIdenticalExposition() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("analyzer-\(UUID()).tklog").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        let liveRegistry = MetricsRegistry(clock: Self.clock)
        let live = try SpanAnalyzer(registry: liveRegistry)
        let configuration = try TraceConfiguration(service: "invariant", log: .file(path), sinks: [live])
        let recorder = TraceRecorder(configuration)
        await TraceSystem.withRecorder(recorder) { await analyzerWorkload(requests: 200) }
        recorder.shutdown()

        let replayRegistry = MetricsRegistry(clock: Self.clock)
        let replayed = try SpanAnalyzer(registry: replayRegistry)
        let reader = try LogReader(path: path)
        replayed.consume(contentsOf: reader.spans)
        #expect(reader.damages.isEmpty)

        // The third and fourth ways: the order-independent part prepared a block at a time, on the reader's
        // decoding threads or on this thread, then self time in order.
        var preparedRegistries: [MetricsRegistry] = []
        for onDecodingThreads in [true, false] {
            let preparedRegistry = MetricsRegistry(clock: Self.clock)
            let prepared = try SpanAnalyzer(registry: preparedRegistry)
            let reader = try LogReader(
                path: path, follow: false, readAhead: true, preparingFor: prepared,
                preparingOnDecodingThreads: onDecodingThreads)
            for entry in reader {
                if case .span(let span) = entry { prepared.consumePrepared(span) }
            }
            #expect(prepared.spanCount == 200 * 6)
            preparedRegistries.append(preparedRegistry)
        }

        // The fifth and sixth: whole blocks as batches, no SpanRecord; every attribute decoded, or only those the
        // analyzer reads.
        for projected in [false, true] {
            let batchRegistry = MetricsRegistry(clock: Self.clock)
            let batched = try SpanAnalyzer(registry: batchRegistry)
            let reader = try LogBatchReader(path: path, attributes: projected ? batched.attributeKeys : nil)
            for case .spans(let batch) in reader { batched.consume(batch) }
            #expect(batched.spanCount == 200 * 6)
            preparedRegistries.append(batchRegistry)
        }
        // The seventh and eighth: batches prepared on the decoding threads or on this thread, then self time.
        for onDecodingThreads in [true, false] {
            let batchRegistry = MetricsRegistry(clock: Self.clock)
            let batched = try SpanAnalyzer(registry: batchRegistry)
            let reader = try LogBatchReader(
                path: path, readAhead: true, attributes: batched.attributeKeys, preparingFor: batched,
                preparingOnDecodingThreads: onDecodingThreads)
            for case .spans(let batch) in reader { batched.consumePrepared(batch) }
            #expect(batched.spanCount == 200 * 6)
            preparedRegistries.append(batchRegistry)
        }

        #expect(live.spanCount == 200 * 6)
        #expect(replayed.spanCount == live.spanCount)
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            let liveText = liveRegistry.exposition(format)
            let replayedText = replayRegistry.exposition(format)
            #expect(liveText == replayedText)
            for preparedRegistry in preparedRegistries { #expect(preparedRegistry.exposition(format) == liveText) }
            #expect(liveText.contains("traces_span_metrics_calls_total"))
        }
    }

    @Test func attributeKeysNameWhatDerivationReads() throws {
        var configuration = SpanAnalyzerConfiguration()
        configuration.dimensions = ["deployment"]
        configuration.rules = [
            DerivationRule(
                matching: .all([.spanName("checkout"), .anyOf([.hasAttribute("cart.id"), .isError])]),
                families: [
                    .counter(
                        "checkouts_total", help: "Checkouts.", labels: [.attribute("region", "region", "zone")],
                        when: .attribute("payment", equals: "card"))
                ])
        ]
        let analyzer = try SpanAnalyzer(registry: MetricsRegistry(), configuration: configuration)
        #expect(analyzer.attributeKeys == ["deployment", "cart.id", "region", "zone", "payment"])
        // The seed's rules read the attributes their labels and conditions name.
        let seed = try SpanAnalyzer(registry: MetricsRegistry())
        #expect(seed.attributeKeys.isSuperset(of: ["syscall.name", "http.route", "action", "model", "cache.hit"]))
    }

    @Test func seedFamiliesCountWhatHappened() async throws {
        let registry = MetricsRegistry(clock: Self.clock)
        let analyzer = try SpanAnalyzer(registry: registry)
        let recorder = TraceRecorder(TraceConfiguration(service: "seed", sinks: [analyzer]))
        await TraceSystem.withRecorder(recorder) { await analyzerWorkload(requests: 40) }
        let text = registry.exposition(.prometheusText)
        let samples = ParsedExposition(text)
        #expect(samples["kernel_syscalls_total", ["syscall": "read"]] == 40)
        #expect(samples["kernel_syscall_permission_denied_total", ["syscall": "read"]] == 8)
        #expect(samples["backend_http_requests_total", ["method": "GET", "path": "/apps", "status": "200"]] == 40)
        #expect(samples["backend_http_request_duration_seconds_count", ["method": "GET", "path": "/apps"]] == 40)
        #expect(samples["ai_ui_requests_total", ["action": "generate", "status": "error"]] == 10)
        #expect(samples["ai_ui_requests_total", ["action": "generate", "status": "success"]] == 30)
        #expect(samples["ai_llm_calls_total", ["model": "small", "status": "success"]] == 40)
        #expect(samples["ai_cache_hits_total", ["cache": "default"]] == 20)
        #expect(samples["ui_tool_executions_total", ["tool": "search", "status": "success"]] == 40)
        let uiErrors = [
            "span_kind": "SPAN_KIND_INTERNAL", "span_name": "ui_generation", "status_code": "STATUS_CODE_ERROR",
        ]
        #expect(samples["traces_span_metrics_calls_total", uiErrors] == 10)
    }

    @Test func durationsSelfTimeAndExemplarsAreExact() throws {
        let registry = MetricsRegistry(clock: Self.clock)
        var configuration = SpanAnalyzerConfiguration()
        configuration.rules = []
        configuration.durationBuckets = [0.005, 0.05, 0.5]
        let analyzer = try SpanAnalyzer(registry: registry, configuration: configuration)
        // parent [0,100) ms with children [10,30) and [20,60): union 50 ms, so parent self time 50 ms.
        let spans = SpanFixtures.finishingOrder([
            SpanFixtures.span("parent", id: 1, from: 0, to: 100),
            SpanFixtures.span("child", id: 2, parent: 1, from: 10, to: 30),
            SpanFixtures.span("child", id: 3, parent: 1, from: 20, to: 60),
        ])
        analyzer.consume(contentsOf: spans)
        let samples = ParsedExposition(registry.exposition(.prometheusText))
        let parent = ["span_kind": "SPAN_KIND_INTERNAL", "span_name": "parent", "status_code": "STATUS_CODE_UNSET"]
        let child = ["span_kind": "SPAN_KIND_INTERNAL", "span_name": "child", "status_code": "STATUS_CODE_UNSET"]
        #expect(samples["traces_span_metrics_duration_seconds_sum", parent] == 0.1)
        #expect(samples["traces_span_metrics_duration_seconds_sum", child] == 0.06)
        #expect(samples["traces_span_metrics_duration_seconds_bucket", child.merging(["le": "0.05"]) { $1 }] == 2)
        #expect(samples["traces_span_metrics_duration_seconds_bucket", parent.merging(["le": "0.05"]) { $1 }] == 0)
        let parentSelf = ["span_kind": "SPAN_KIND_INTERNAL", "span_name": "parent"]
        #expect(samples["traces_span_metrics_self_time_seconds_sum", parentSelf] == 0.05)

        // The exemplar of the child's 0.05 bucket is its slowest span (id 3, 40 ms), whatever the order.
        let openMetrics = registry.exposition(.openMetrics)
        let bucketLine = try #require(
            openMetrics.split(separator: "\n").first {
                $0.hasPrefix(
                    "traces_span_metrics_duration_seconds_bucket{span_kind=\"SPAN_KIND_INTERNAL\",span_name=\"child\"")
                    && $0.contains("le=\"0.05\"")
            })
        #expect(bucketLine.contains("span_id=\"0000000000000003\""))
        #expect(bucketLine.contains("} 0.04"))
    }

    @Test func derivedSeriesAreBoundedAndOverflowIsCounted() throws {
        let registry = MetricsRegistry(clock: Self.clock)
        var configuration = SpanAnalyzerConfiguration()
        configuration.rules = []
        configuration.dimensions = ["user.id"]
        configuration.seriesLimit = 10
        let analyzer = try SpanAnalyzer(registry: registry, configuration: configuration)
        for user in 0..<1_000 {
            var span = SpanFixtures.span("login", id: UInt64(user + 1), from: 0, to: 1)
            span.attributes["user.id"] = .integer(user)
            analyzer.consume(span)
        }
        let samples = ParsedExposition(registry.exposition(.prometheusText))
        let calls = samples.all("traces_span_metrics_calls_total")
        #expect(calls.count <= 11)
        #expect(calls.reduce(0) { $0 + $1.value } == 1_000)
        #expect(calls.contains { $0.labels["otel_metric_overflow"] == "true" })
    }

    @Test func derivedExpositionPassesPromtoolAndParsesWithExemplars() async throws {
        let registry = MetricsRegistry(clock: Self.clock)
        let analyzer = try SpanAnalyzer(registry: registry)
        await TraceSystem.withRecorder(TraceRecorder(TraceConfiguration(service: "p", sinks: [analyzer]))) {
            await analyzerWorkload(requests: 20)
        }
        if ExternalCheck.require(ExternalCheck.which("promtool"), "promtool (Debian package prometheus)") {
            let result = try ExternalCheck.run(
                "/usr/bin/env", ["promtool", "check", "metrics"],
                input: Array(registry.exposition(.prometheusText).utf8))
            #expect(result.status == 0, "promtool: \(result.stdout) \(result.stderr)")
        }
        if ExternalCheck.require(ExternalCheck.pythonHas("prometheus_client"), "python3 with prometheus-client") {
            let script = #"""
                import sys
                from prometheus_client.openmetrics.parser import text_string_to_metric_families
                n = 0
                for family in text_string_to_metric_families(sys.stdin.read()):
                    for sample in family.samples:
                        if sample.exemplar is not None:
                            assert len(sample.exemplar.labels["trace_id"]) == 32
                            assert len(sample.exemplar.labels["span_id"]) == 16
                            n += 1
                print(n)
                """#
            let result = try ExternalCheck.run(
                "/usr/bin/env", ["python3", "-c", script], input: Array(registry.exposition(.openMetrics).utf8))
            #expect(result.status == 0, "\(result.stderr)")
            #expect((Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 10)
        }
    }
}

/// Samples of a Prometheus text exposition, looked up by name and labels.
struct ParsedExposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let value = Double(line[line.index(after: space)...]) ?? .nan
            var labels: [String: String] = [:]
            var name = String(series)
            if let brace = series.firstIndex(of: "{") {
                name = String(series[..<brace])
                let body = series[series.index(after: brace)..<series.index(before: series.endIndex)]
                // Label values in these tests hold no quotes or commas.
                for pair in body.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { labels[String(parts[0])] = String(parts[1].dropFirst().dropLast()) }
                }
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
    }

    subscript(name: String, labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}

/// Runs peer tools; a missing tool fails under CI=true and is skipped with a note elsewhere.
enum ExternalCheck {
    static func which(_ tool: String) -> Bool {
        (try? run("/usr/bin/env", ["which", tool]))?.status == 0
    }

    static func pythonHas(_ module: String) -> Bool {
        (try? run("/usr/bin/env", ["python3", "-c", "import \(module)"]))?.status == 0
    }

    static func require(_ available: Bool, _ what: String) -> Bool {
        if available { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("required tool missing under CI=true: \(what)")
        } else {
            print("note: skipped, \(what) is not installed (Scripts/test.sh installs it)")
        }
        return false
    }

    static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("in")
        try Data(input).write(to: inputURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus,
            (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}
