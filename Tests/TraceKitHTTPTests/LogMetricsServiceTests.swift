// Tests that metrics derived from a trace log (replayed, then followed as it grows) are served on /metrics.

import Foundation
import Testing
import TraceAnalysis
import TraceKit
import TraceKitHTTP
import TraceLog
import TraceMetrics

@Suite struct LogMetricsServiceTests {
    static func serverSpan(_ index: Int, route: String) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 7, low: UInt64(index + 1)), spanID: SpanID(rawValue: UInt64(index + 1)),
            parentSpanID: nil, name: route, kind: .server, status: .unset,
            startUnixNanoseconds: 1_700_000_000_000_000_000 + UInt64(index) * 1_000_000,
            durationNanoseconds: 20_000_000,
            attributes: [
                "http.route": .string(route), "http.request.method": .string("GET"),
                "http.response.status_code": .int(200),
            ])
    }

    static func temporaryLog() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID()).tklog").path
    }

    @Test func replayedLogMetricsAreServed() async throws {
        let path = Self.temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "backend"))
        for index in 0..<30 { writer.consume(Self.serverSpan(index, route: "/apps/{id}")) }
        writer.shutdown()

        let registry = MetricsRegistry()
        let service = LogMetricsService(paths: [path], analyzer: try SpanAnalyzer(registry: registry))
        try await service.run()
        #expect(service.spansRead == 30)
        try await withMetricsServer(registry) { port in
            let text = try await RawHTTPClient.request(port: port).text
            #expect(
                text.contains("backend_http_requests_total{method=\"GET\",path=\"/apps/{id}\",status=\"200\"} 30\n"))
            #expect(
                text.contains(
                    "traces_span_metrics_calls_total{span_kind=\"SPAN_KIND_SERVER\",span_name=\"/apps/{id}\","
                        + "status_code=\"STATUS_CODE_UNSET\"} 30\n"))
        }
    }

    @Test func followedLogMetricsGrowAsTheWriterAppends() async throws {
        let path = Self.temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "backend"))
        for index in 0..<5 { writer.consume(Self.serverSpan(index, route: "/live")) }
        writer.flush()

        let registry = MetricsRegistry()
        let service = LogMetricsService(paths: [path], follow: true, analyzer: try SpanAnalyzer(registry: registry))
        let following = Task { try await service.run() }
        defer { following.cancel() }
        let first = "backend_http_requests_total{method=\"GET\",path=\"/live\",status=\"200\"} 5\n"
        #expect(try await SharedInstrumentation.eventually { registry.exposition().contains(first) })
        for index in 5..<12 { writer.consume(Self.serverSpan(index, route: "/live")) }
        writer.flush()
        let grown = "backend_http_requests_total{method=\"GET\",path=\"/live\",status=\"200\"} 12\n"
        #expect(try await SharedInstrumentation.eventually { registry.exposition().contains(grown) })
        writer.shutdown()
        following.cancel()
        try await following.value
        #expect(service.spansRead == 12)
    }
}
