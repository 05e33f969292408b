// Tests that metrics derived from a trace log (replayed, then followed as it grows) are served on /metrics.

import Foundation
import Synchronization
import Testing
import TraceAnalysis
import TraceKit
import TraceLog
import TraceMetrics

@testable import TraceKitHTTP

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

    /// A log of `blocks` blocks of `spansPerBlock` server spans on route `route`.
    static func writeLog(_ path: String, blocks: Int, spansPerBlock: Int, route: String) throws {
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "backend"))
        for block in 0..<blocks {
            for index in 0..<spansPerBlock {
                writer.consume(Self.serverSpan(block * spansPerBlock + index, route: route))
            }
            writer.flush()
        }
        writer.shutdown()
    }

    /// While the replay is held after its first block, `/metrics` and `/ready` answer 503 (the registry holds a
    /// partial count that Prometheus would take for a counter reset) and `/healthy` 200; once it has reached the
    /// end, 200 with every span.
    @Test(arguments: [false, true])
    func metricsAnswer503UntilTheReplayReachedTheEnd(follow: Bool) async throws {
        let path = Self.temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeLog(path, blocks: 5, spansPerBlock: 10, route: "/ready")
        let registry = MetricsRegistry()
        var service = LogMetricsService(paths: [path], follow: follow, analyzer: try SpanAnalyzer(registry: registry))
        let gate = ReplayGate()
        let progress = service
        service.afterEntry = { if progress.spansRead > 0 { gate.holdOnce() } }
        let server = MetricsServer(
            registry: registry, configuration: .init(port: 0, processMetrics: false), readiness: service.readiness)
        try await withRunningServer(server) { [service] port in
            let replay = Task { try await service.run() }
            defer { replay.cancel() }
            #expect(try await offThread { gate.waitUntilHeld() })
            #expect(service.spansRead > 0 && service.spansRead < 50)
            let metrics = try await RawHTTPClient.request(port: port)
            #expect(metrics.status == 503)
            #expect(metrics.headers["retry-after"] == "1")
            #expect(!metrics.text.contains("backend_http_requests_total"))
            #expect(try await RawHTTPClient.request(port: port, path: "/ready").status == 503)
            let healthy = try await RawHTTPClient.request(port: port, path: "/healthy")
            #expect(healthy.status == 200)
            gate.release()
            #expect(try await SharedInstrumentation.eventually { service.readiness.isReady })
            #expect(try await RawHTTPClient.request(port: port, path: "/ready").status == 200)
            let complete = try await RawHTTPClient.request(port: port)
            #expect(complete.status == 200)
            #expect(
                complete.text.contains(
                    "backend_http_requests_total{method=\"GET\",path=\"/ready\",status=\"200\"} 50\n"))
        }
    }

    /// A replay stuck in one long read (a good block, then 64 GiB of zeros that the reader searches for the next
    /// block: minutes of work) stops waiting when cancelled, as graceful shutdown on SIGTERM does.
    @Test func cancellationEndsAReplayThatIsInALongRead() async throws {
        let path = Self.temporaryLog()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeLog(path, blocks: 1, spansPerBlock: 10, route: "/long")
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        #expect(truncate(path, size + (64 << 30)) == 0)
        // Afterwards the file is cut back, so the reading thread left behind ends its search at once.
        defer { _ = truncate(path, size) }
        let registry = MetricsRegistry()
        let service = LogMetricsService(paths: [path], analyzer: try SpanAnalyzer(registry: registry))
        let replay = Task { try await service.run() }
        #expect(try await SharedInstrumentation.eventually { service.spansRead == 10 })
        replay.cancel()
        // A give-up bound far below the minutes the read takes, not a speed measure.
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await replay.value) != nil }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(ended, "the replay did not stop within 60 s of cancellation")
        #expect(!service.readiness.isReady)
    }

    @Test func aMissingFileFailsTheService() async throws {
        let registry = MetricsRegistry()
        let service = LogMetricsService(
            paths: ["/nonexistent/\(UUID()).tklog"], analyzer: try SpanAnalyzer(registry: registry))
        await #expect(throws: TraceLogError.self) { try await service.run() }
    }
}

/// Holds the reading thread once, after the first entry, until the test releases it.
final class ReplayGate: Sendable {
    private let held = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)
    private let first = Mutex(true)

    func holdOnce() {
        let isFirst = first.withLock { first in
            defer { first = false }
            return first
        }
        guard isFirst else { return }
        held.signal()
        released.wait()
    }

    /// Waits (up to 60 s) until the reading thread is held.
    func waitUntilHeld() -> Bool { held.wait(timeout: .now() + 60) == .success }

    func release() { released.signal() }
}
