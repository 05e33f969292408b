// Tests that attribute and event limits truncate and drop, and that every loss is counted.

import Testing
import TraceKit
import TraceKitTesting

@Suite struct SpanLimitsTests {
    @Test func attributeCountOverLimitIsDroppedAndCounted() throws {
        let collector = InMemorySpanSink()
        let recorder = TraceRecorder.inMemory(collector, limits: SpanLimits(maxAttributeCount: 2))
        TraceSystem.withRecorder(recorder) {
            traceOperation("busy", ["a": 1, "b": 2, "c": 3]) { span in
                span.setAttribute("d", 4)
                span.setAttribute("a", 10)
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.attributes.map(\.key) == ["a", "b"])
        #expect(span.attributes["a"] == .int(10))
        #expect(span.droppedAttributeCount == 2)
        #expect(recorder.statistics.droppedAttributes == 2)
    }

    @Test func longValuesAreTruncatedOnScalarBoundariesAndCounted() throws {
        let collector = InMemorySpanSink()
        let recorder = TraceRecorder.inMemory(collector, limits: SpanLimits(maxAttributeValueLength: 5))
        TraceSystem.withRecorder(recorder) {
            traceOperation(
                "long",
                ["ascii": "abcdefgh", "multibyte": "aé€😀", "short": "ok", "list": .stringArray(["123456", "x"])]
            ) {}
        }
        let span = try #require(collector.spans.first)
        #expect(span.attributes["ascii"] == .string("abcde"))
        // "a" (1) + "é" (2) = 3 bytes; "€" (3) would make 6 > 5, so it is cut before it.
        #expect(span.attributes["multibyte"] == .string("aé"))
        #expect(span.attributes["short"] == .string("ok"))
        #expect(span.attributes["list"] == .stringArray(["12345", "x"]))
        #expect(span.truncatedValueCount == 3)
        #expect(recorder.statistics.truncatedValues == 3)
    }

    @Test func eventsOverLimitAreDroppedAndCounted() throws {
        let collector = InMemorySpanSink()
        let recorder = TraceRecorder.inMemory(collector, limits: SpanLimits(maxEventCount: 3))
        TraceSystem.withRecorder(recorder) {
            traceOperation("chatty") { span in
                for index in 0..<10 { span.addEvent("tick", ["i": .integer(index)]) }
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.events.count == 3)
        #expect(span.droppedEventCount == 7)
        #expect(recorder.statistics.droppedEvents == 7)
    }
}
