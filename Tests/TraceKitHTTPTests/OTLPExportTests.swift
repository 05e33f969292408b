// Tests that the OTLP/HTTP exporter's payloads decode with opentelemetry-proto, ids and parents intact, with retries.

import Foundation
import Testing
import TraceExport
import TraceKit
import TraceKitTesting
import TraceMetrics

@Suite(.serialized) struct OTLPExportTests {
    static func receiverAvailable() -> String? {
        guard let python = ExternalTool.find("python3"), ExternalTool.pythonHas(["opentelemetry.proto"]) else {
            _ = ExternalTool.require(false, "python3 with opentelemetry-proto (PyPI opentelemetry-proto)")
            return nil
        }
        return python
    }

    /// Records a three-level trace through the live pipeline: collector for the truth, exporter for the wire.
    static func recordTrace(into sinks: [any SpanSink]) {
        let recorder = TraceRecorder(TraceConfiguration(service: "otlp-test", sinks: sinks))
        TraceSystem.withRecorder(recorder) {
            traceOperation("checkout") {
                traceOperation("load_cart") {
                    traceOperation("db.query") {}
                }
                traceOperation("charge") {}
            }
        }
    }

    @Test func livePipelineSpansDecodeWithIdsAndParentsAfterTwo503Retries() throws {
        guard let python = Self.receiverAvailable() else { return }
        let receiver = try OTLPReceiver(python: python, failFirst: 2)
        defer { receiver.stop() }
        let registry = MetricsRegistry()
        let exporter = try OTLPHTTPExporter(
            url: receiver.url, resource: Resource(serviceName: "otlp-test"),
            options: .init(batchDelay: .milliseconds(50), retry: .init(initialBackoff: .milliseconds(20))),
            registry: registry)
        let truth = InMemorySpanSink()
        Self.recordTrace(into: [truth, exporter])
        exporter.flush()

        let requests = try receiver.requests()
        #expect(requests.map(\.status) == [503, 503, 200], "\(requests.compactMap(\.error))")
        let decoded = requests.flatMap(\.spans)
        #expect(decoded.count == 4)
        for span in truth.spans {
            let wire = try #require(decoded.first { $0.span_id == span.spanID.description })
            #expect(wire.trace_id == span.traceID.description)
            #expect(wire.parent_span_id == (span.parentSpanID?.description ?? ""))
            #expect(wire.name == span.name)
            #expect(wire.service == "otlp-test")
        }
        let root = try #require(truth.spans.first { $0.name == "checkout" })
        let query = try #require(decoded.first { $0.name == "db.query" })
        let cart = try #require(decoded.first { $0.name == "load_cart" })
        #expect(query.parent_span_id == cart.span_id)
        #expect(cart.parent_span_id == root.spanID.description)
        #expect(exporter.statistics == .init(exported: 4, dropped: 0, failed: 0, retries: 2))
        let text = registry.exposition()
        #expect(text.contains("tracekit_otlp_spans_total{outcome=\"exported\"} 4\n"))
        #expect(text.contains("tracekit_otlp_retries_total 2\n"))
        exporter.shutdown()
    }

    @Test func oneShotExportOfALogsSpansSendsThemInBatches() throws {
        guard let python = Self.receiverAvailable() else { return }
        let receiver = try OTLPReceiver(python: python, failFirst: 1)
        defer { receiver.stop() }
        let truth = InMemorySpanSink()
        for _ in 0..<5 { Self.recordTrace(into: [truth]) }
        let sent = try OTLPHTTPExporter.export(
            truth.spans, resource: Resource(serviceName: "from-log"), to: receiver.url,
            options: .init(batchSize: 8, retry: .init(initialBackoff: .milliseconds(10))))
        #expect(sent == 20)
        let requests = try receiver.requests()
        #expect(requests.map(\.status) == [503, 200, 200, 200])
        let decoded = requests.flatMap(\.spans)
        #expect(Set(decoded.map(\.span_id)) == Set(truth.spans.map(\.spanID.description)))
        #expect(decoded.allSatisfy { $0.service == "from-log" })
    }

    @Test func fullQueueDropsAreCountedAndUnreachableCollectorFailsBatches() throws {
        guard let port = ExternalTool.freePort() else { return }
        let registry = MetricsRegistry()
        // Nothing listens on `port`: every attempt is refused, so the export thread is busy retrying.
        let exporter = try OTLPHTTPExporter(
            url: "http://127.0.0.1:\(port)/v1/traces", resource: Resource(serviceName: "drops"),
            options: .init(
                queueCapacity: 4, batchSize: 4, batchDelay: .seconds(10),
                retry: .init(maximumAttempts: 2, initialBackoff: .milliseconds(300))),
            registry: registry)
        let truth = InMemorySpanSink()
        for _ in 0..<25 { Self.recordTrace(into: [truth]) }
        for span in truth.spans { exporter.consume(span) }
        exporter.shutdown()
        let statistics = exporter.statistics
        // 100 spans: the queue holds 4, the thread may have taken one batch of 4 before the rest arrived.
        #expect(statistics.dropped >= 92 && statistics.dropped <= 96, "\(statistics)")
        #expect(statistics.exported == 0)
        #expect(statistics.failed + statistics.dropped == 100)
        #expect(statistics.retries >= 1)
        #expect(
            registry.exposition().contains("tracekit_otlp_spans_total{outcome=\"dropped\"} \(statistics.dropped)\n"))
    }

    @Test func badURLsAreRefusedWithAReason() {
        #expect(throws: OTLPExportError.invalidURL("https://collector:4318/v1/traces")) {
            _ = try OTLPHTTPExporter(url: "https://collector:4318/v1/traces", resource: Resource(serviceName: "x"))
        }
        #expect(throws: OTLPExportError.invalidURL("http://:4318/v1/traces")) {
            try OTLPHTTPExporter.export([], resource: Resource(serviceName: "x"), to: "http://:4318/v1/traces")
        }
    }
}
