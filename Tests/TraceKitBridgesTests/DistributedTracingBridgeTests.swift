// Tests that swift-distributed-tracing's withSpan records TraceKit spans and nests with traceOperation both ways.

import Testing
import TraceKit
import TraceKitBridges
import TraceKitTesting
import Tracing

struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct HeaderExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}

struct LookupFailed: Error, CustomStringConvertible {
    var description: String { "no such row" }
}

@Suite struct DistributedTracingBridgeTests {
    let tracer = TraceKitTracer()

    @Test func withSpanRecordsATraceKitSpanWithItsAttributes() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            tracer.withSpan("db.query", ofKind: .client) { span in
                span.attributes["db.system"] = "sqlite"
                span.attributes["db.rows"] = 3
                span.addEvent("fetched")
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.name == "db.query")
        #expect(span.kind == .client)
        #expect(span.parentSpanID == nil)
        #expect(span.attributes["db.system"] == .string("sqlite"))
        #expect(span.attributes["db.rows"] == .int(3))
        #expect(span.events.map(\.name) == ["fetched"])
    }

    @Test func nestingWorksBothWaysThroughFourLevels() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("a_traceOperation") {
                tracer.withSpan("b_withSpan") { _ in
                    traceOperation("c_traceOperation") {
                        tracer.withSpan("d_withSpan") { _ in }
                    }
                }
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: collector.spans.map { ($0.name, $0) })
        let a = try #require(byName["a_traceOperation"])
        let b = try #require(byName["b_withSpan"])
        let c = try #require(byName["c_traceOperation"])
        let d = try #require(byName["d_withSpan"])
        #expect(a.parentSpanID == nil)
        #expect(b.parentSpanID == a.spanID)
        #expect(c.parentSpanID == b.spanID)
        #expect(d.parentSpanID == c.spanID)
        #expect(Set([a, b, c, d].map(\.traceID)).count == 1)
    }

    @Test func asyncNestingAcrossAwait() async throws {
        let collector = InMemorySpanSink()
        try await TraceSystem.withRecorder(.inMemory(collector)) {
            try await tracer.withSpan("handler", ofKind: .server) { _ in
                try await Task.sleep(for: .milliseconds(1))
                await traceOperation("inner") {
                    await tracer.withSpan("leaf") { _ in await Task.yield() }
                }
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: collector.spans.map { ($0.name, $0) })
        #expect(byName["inner"]?.parentSpanID == byName["handler"]?.spanID)
        #expect(byName["leaf"]?.parentSpanID == byName["inner"]?.spanID)
        #expect((byName["handler"]?.durationNanoseconds ?? 0) >= 1_000_000)
    }

    @Test func errorsThrownInWithSpanAreRecorded() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            #expect(throws: LookupFailed.self) {
                try tracer.withSpan("lookup") { _ in throw LookupFailed() }
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.status == .error(message: "no such row"))
        #expect(span.events.first?.name == "exception")
        #expect(span.events.first?.attributes["exception.message"] == .string("no such row"))
    }

    @Test func traceparentIsInjectedAndExtracted() throws {
        let collector = InMemorySpanSink()
        var headers: [String: String] = [:]
        TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("client_call", kind: .client) { span in
                tracer.inject(InstrumentationContext.current ?? .topLevel, into: &headers, using: HeaderInjector())
                #expect(headers["traceparent"] == span.context.traceparent)
            }
        }
        let client = try #require(collector.spans.first)

        // The "server" side continues the trace from the header.
        var incoming = InstrumentationContext.topLevel
        tracer.extract(headers, into: &incoming, using: HeaderExtractor())
        TraceSystem.withRecorder(.inMemory(collector)) {
            tracer.withSpan("server_handle", context: incoming, ofKind: .server) { _ in
                traceOperation("server_work") {}
            }
        }
        let byName = Dictionary(uniqueKeysWithValues: collector.spans.map { ($0.name, $0) })
        #expect(byName["server_handle"]?.traceID == client.traceID)
        #expect(byName["server_handle"]?.parentSpanID == client.spanID)
        #expect(byName["server_work"]?.parentSpanID == byName["server_handle"]?.spanID)
    }

    @Test func theSamplingThresholdCrossesProcessesInTracestate() throws {
        let client = InMemorySpanSink()
        var headers: [String: String] = [:]
        // A sampler keeping every trace id at or above half: find a root it keeps.
        TraceSystem.withRecorder(.inMemory(client, sampler: .ratio(0.5))) {
            for _ in 0..<64 where headers.isEmpty {
                traceOperation("client_call", kind: .client) { span in
                    guard span.isRecording else { return }
                    tracer.inject(InstrumentationContext.current ?? .topLevel, into: &headers, using: HeaderInjector())
                }
            }
        }
        #expect(headers["tracestate"] == "ot=th:8")
        var incoming = InstrumentationContext.topLevel
        tracer.extract(headers, into: &incoming, using: HeaderExtractor())
        #expect(incoming.traceKitSpanContext?.samplingThreshold == 1 << 55)
        let server = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(server)) {
            tracer.withSpan("server_handle", context: incoming, ofKind: .server) { _ in
                traceOperation("server_work") {}
            }
        }
        // The server's spans count as the two spans each stands for, as the client's do.
        #expect(server.spans.count == 2)
        #expect(server.spans.allSatisfy { $0.samplingThreshold == 1 << 55 && $0.adjustedCount == 2 })
    }

    @Test func extractIgnoresAnInvalidHeader() {
        var context = InstrumentationContext.topLevel
        tracer.extract(["traceparent": "00-zz-00-01"], into: &context, using: HeaderExtractor())
        #expect(context.traceKitSpanContext == nil)
    }

    @Test func sampledOutTracesStayOutThroughTheBridge() {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector, sampler: .never)) {
            tracer.withSpan("outer") { span in
                #expect(span.isRecording == false)
                traceOperation("inner") {}
            }
        }
        #expect(collector.spans.isEmpty)
    }
}
