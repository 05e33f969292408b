// Tests that withSpan and traceOperation find the innermost span however they alternate, now that traceOperation
// binds only TraceKit's task-local and the bridge resolves the deeper of the two contexts.

import Testing
import TraceKit
import TraceKitBridges
import TraceKitTesting
import Tracing

@Suite struct BridgeNestingTests {
    let tracer = TraceKitTracer()

    private func spansByName(_ collector: InMemorySpanSink) -> [String: SpanRecord] {
        Dictionary(collector.spans.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func sixLevelsAlternatingFromWithSpanEachHaveTheLevelAboveAsParent() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            tracer.withSpan("1_withSpan") { _ in
                traceOperation("2_traceOperation") {
                    traceOperation("3_traceOperation") {
                        tracer.withSpan("4_withSpan") { _ in
                            tracer.withSpan("5_withSpan") { _ in
                                traceOperation("6_traceOperation") {}
                            }
                        }
                    }
                }
                // Back in the first span, after the inner ones ended: children attach to it again.
                traceOperation("7_traceOperation") {}
                tracer.withSpan("8_withSpan") { _ in }
            }
        }
        let byName = spansByName(collector)
        let expectedParents = [
            "2_traceOperation": "1_withSpan", "3_traceOperation": "2_traceOperation",
            "4_withSpan": "3_traceOperation", "5_withSpan": "4_withSpan", "6_traceOperation": "5_withSpan",
            "7_traceOperation": "1_withSpan", "8_withSpan": "1_withSpan",
        ]
        for (child, parent) in expectedParents {
            let childSpan = try #require(byName[child])
            #expect(childSpan.parentSpanID == byName[parent]?.spanID, "\(child) should be a child of \(parent)")
        }
        #expect(byName["1_withSpan"]?.parentSpanID == nil)
        #expect(Set(collector.spans.map(\.traceID)).count == 1)
    }

    @Test func childTasksOfATraceOperationInsideWithSpanSeeTheTraceOperation() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await tracer.withSpan("request", ofKind: .server) { _ in
                await traceOperation("fan_out") {
                    await withTaskGroup(of: Void.self) { group in
                        for _ in 0..<4 {
                            group.addTask { await tracer.withSpan("part") { _ in await Task.yield() } }
                        }
                    }
                }
            }
        }
        let fanOut = try #require(collector.spans.first { $0.name == "fan_out" })
        let parts = collector.spans.filter { $0.name == "part" }
        #expect(parts.count == 4)
        #expect(parts.allSatisfy { $0.parentSpanID == fanOut.spanID })
    }

    @Test func spanContextCurrentAndInjectSeeATraceOperationInsideWithSpan() throws {
        let collector = InMemorySpanSink()
        var headers: [String: String] = [:]
        var inner: SpanContext?
        var current: SpanContext?
        TraceSystem.withRecorder(.inMemory(collector)) {
            tracer.withSpan("request", ofKind: .server) { _ in
                traceOperation("call_upstream", kind: .client) { span in
                    inner = span.context
                    current = SpanContext.current
                    // What an instrumented HTTP client does: inject the task's current context.
                    tracer.inject(InstrumentationContext.current ?? .topLevel, into: &headers, using: HeaderInjector())
                }
            }
        }
        let innerContext = try #require(inner)
        #expect(current == innerContext)
        #expect(headers["traceparent"] == innerContext.traceparent)
    }

    @Test func anExplicitContextInsideATraceOperationIsHonoured() throws {
        let collector = InMemorySpanSink()
        let remote = try #require(SpanContext(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
        var explicit = InstrumentationContext.topLevel
        explicit.traceKitSpanContext = remote
        TraceSystem.withRecorder(.inMemory(collector)) {
            tracer.withSpan("request", ofKind: .server) { _ in
                traceOperation("work") {
                    tracer.withSpan("continued_elsewhere", context: explicit) { _ in
                        traceOperation("under_the_explicit_one") {}
                    }
                }
            }
        }
        let byName = spansByName(collector)
        let continued = try #require(byName["continued_elsewhere"])
        #expect(continued.traceID == remote.traceID)
        #expect(continued.parentSpanID == remote.spanID)
        #expect(byName["under_the_explicit_one"]?.parentSpanID == continued.spanID)
    }

    @Test func withSpanContextNilStartsNewTracesForBothAPIs() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            tracer.withSpan("request") { _ in
                traceOperation("work") {
                    withSpanContext(nil) {
                        traceOperation("detached_traceOperation") {}
                        tracer.withSpan("detached_withSpan") { _ in }
                    }
                }
            }
        }
        let byName = spansByName(collector)
        let request = try #require(byName["request"])
        for name in ["detached_traceOperation", "detached_withSpan"] {
            let span = try #require(byName[name])
            #expect(span.parentSpanID == nil, "\(name) should start a new trace")
            #expect(span.traceID != request.traceID)
        }
    }

    @Test func withSpanContextOfACapturedContextIsTheParentForBothAPIs() throws {
        let collector = InMemorySpanSink()
        var captured: SpanContext?
        TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("first") { span in captured = span.context }
            tracer.withSpan("request") { _ in
                traceOperation("work") {
                    withSpanContext(captured) {
                        traceOperation("resumed_traceOperation") {}
                        tracer.withSpan("resumed_withSpan") { _ in }
                    }
                }
            }
        }
        let byName = spansByName(collector)
        let first = try #require(byName["first"])
        #expect(byName["resumed_traceOperation"]?.parentSpanID == first.spanID)
        #expect(byName["resumed_withSpan"]?.parentSpanID == first.spanID)
    }

    @Test func traceKitCurrentCarriesTheTraceOperationToADetachedTask() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await tracer.withSpan("request") { _ in
                await traceOperation("enqueue") {
                    let context = InstrumentationContext.traceKitCurrent
                    #expect(context.traceKitSpanContext == SpanContext.current)
                    await Task.detached {
                        TraceSystem.withRecorder(.inMemory(collector)) {
                            tracer.withSpan("background", context: context) { _ in }
                        }
                    }.value
                }
            }
        }
        let byName = spansByName(collector)
        let enqueue = try #require(byName["enqueue"])
        #expect(byName["background"]?.parentSpanID == enqueue.spanID)
    }
}
