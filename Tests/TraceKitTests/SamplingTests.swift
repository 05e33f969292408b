// Tests that head sampling decides per trace and that every span of a trace shares the decision.

import Testing
import TraceKit
import TraceKitTesting

@Suite struct SamplingTests {
    @Test func ratioSamplingKeepsWholeTracesOrNone() throws {
        let collector = InMemorySpanSink()
        let traces = 2_000
        TraceSystem.withRecorder(.inMemory(collector, sampler: .ratio(0.25))) {
            for _ in 0..<traces {
                traceOperation("root") {
                    traceOperation("child") { traceOperation("grandchild") {} }
                }
            }
        }
        var perTrace: [TraceID: [String]] = [:]
        for span in collector.spans { perTrace[span.traceID, default: []].append(span.name) }
        #expect(perTrace.values.allSatisfy { $0.sorted() == ["child", "grandchild", "root"] })
        // 2,000 traces at 25%: 500 expected; 4 standard deviations is about +-77.
        #expect(abs(perTrace.count - 500) < 80, "kept \(perTrace.count) of \(traces)")
    }

    @Test func ratioDecisionIsAFunctionOfTheTraceID() {
        let sampler = Sampler.ratio(0.5)
        let low = TraceID(high: 1, low: 0x0000_0000_0000_0001)
        let high = TraceID(high: 1, low: 0x00FF_FFFF_FFFF_FFFF)
        // OpenTelemetry's consistent probability sampling: kept when the 56 random bits reach the threshold.
        #expect(!sampler.shouldSample(low))
        #expect(sampler.shouldSample(high))
        #expect(sampler.threshold == 1 << 55)
        #expect(Sampler.ratio(0).shouldSample(high) == false)
        #expect(Sampler.ratio(1) == .always)
        #expect(Sampler.ratio(.nan).shouldSample(low) == false)
    }

    @Test func neverAndAlways() {
        let kept = InMemorySpanSink()
        let dropped = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(kept, sampler: .always)) {
            for _ in 0..<10 { traceOperation("a") { traceOperation("b") {} } }
        }
        TraceSystem.withRecorder(.inMemory(dropped, sampler: .never)) {
            for _ in 0..<10 { traceOperation("a") { traceOperation("b") {} } }
        }
        #expect(kept.spans.count == 20)
        #expect(dropped.spans.isEmpty)
    }

    @Test func unsampledRemoteParentSuppressesChildren() throws {
        let collector = InMemorySpanSink()
        let remote = try #require(SpanContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"))
        TraceSystem.withRecorder(.inMemory(collector)) {
            withSpanContext(remote) {
                traceOperation("handle") { span in
                    #expect(span.isRecording == false)
                    #expect(span.context.traceID == remote.traceID)
                    traceOperation("nested") {}
                }
            }
        }
        #expect(collector.spans.isEmpty)
    }

    @Test func unsampledRootStillPropagatesItsTraceID() {
        let collector = InMemorySpanSink()
        var rootTrace: TraceID?
        var childTrace: TraceID?
        TraceSystem.withRecorder(.inMemory(collector, sampler: .ratio(0.000_000_1))) {
            traceOperation("root") { root in
                rootTrace = root.context.traceID
                traceOperation("child") { child in childTrace = child.context.traceID }
            }
        }
        #expect(collector.spans.isEmpty)
        #expect(rootTrace != nil)
        #expect(childTrace == rootTrace)
    }

    @Test func everySpanOfASampledTraceCarriesTheThresholdAndItsAdjustedCount() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector, sampler: .ratio(0.1))) {
            for _ in 0..<200 { traceOperation("root") { traceOperation("child") {} } }
        }
        #expect(!collector.spans.isEmpty)
        for span in collector.spans {
            // th for 10%: 2^56 minus 0.1 * 2^56 rounded, `ot=th:e6666666666666` in tracestate.
            #expect(span.samplingThreshold == 0xE6_6666_6666_6666)
            #expect(abs(span.adjustedCount - 10) < 1e-9)
        }
        let unsampled = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(unsampled)) { traceOperation("root") {} }
        #expect(unsampled.spans.first?.samplingThreshold == 0)
        #expect(unsampled.spans.first?.adjustedCount == 1)
    }

    @Test func theThresholdTravelsInTracestateAsOpenTelemetryWritesIt() {
        #expect(SamplingTraceState.value(threshold: 0) == "ot=th:0")
        #expect(SamplingTraceState.value(threshold: Sampler.ratio(0.5).threshold) == "ot=th:8")
        #expect(SamplingTraceState.value(threshold: Sampler.ratio(0.25).threshold) == "ot=th:c")
        #expect(SamplingTraceState.value(threshold: Sampler.ratio(0.1).threshold) == "ot=th:e6666666666666")
        #expect(SamplingTraceState.threshold(in: "vendor=abc,ot=th:c") == 0xC0_0000_0000_0000)
        #expect(SamplingTraceState.threshold(in: "ot=rv:0123;th:e666666666666") == 0xE6_6666_6666_6660)
        #expect(SamplingTraceState.threshold(in: "ot=th:0") == 0)
        #expect(SamplingTraceState.threshold(in: "vendor=abc") == nil)
        #expect(SamplingTraceState.threshold(in: "ot=th:XYZ") == nil)
        #expect(SamplingTraceState.threshold(in: "ot=th:123456789abcdef") == nil)  // 15 digits
        for ratio in [0.5, 0.25, 0.1, 0.01, 0.3] {
            let threshold = Sampler.ratio(ratio).threshold
            let parsed = SamplingTraceState.threshold(in: SamplingTraceState.value(threshold: threshold))
            #expect(parsed == threshold)
        }
    }
}
