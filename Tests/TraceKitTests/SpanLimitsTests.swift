// Tests that attribute and event limits truncate and drop, and that every loss is counted.

import Testing
import TraceKit
import TraceKitTesting

/// An error whose description is 1 MiB long.
struct HugeDescriptionError: Error, CustomStringConvertible {
    var description: String { String(repeating: "e", count: 1 << 20) }
}

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

    @Test func aRepeatedKeyInALiteralKeepsItsLastValueEverywhere() throws {
        let collector = InMemorySpanSink()
        let handle = TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("repeat", ["k": 1, "other": "x", "k": 2]) { span in span.attributes }
        }
        #expect(handle.map(\.key) == ["k", "other"])
        #expect(handle["k"] == .int(2))
        let span = try #require(collector.spans.first)
        #expect(span.attributes == handle)
        let literal: TraceAttributes = ["a": 1, "b": 2, "a": 3, "b": 4, "a": 5]
        #expect(literal.map(\.key) == ["a", "b"])
        #expect(literal["a"] == .int(5) && literal["b"] == .int(4))
    }

    @Test func attributesFromManyPairsKeepTheLastValueOfEachKeyInFirstSeenOrder() {
        // 10,000 pairs over 5,000 keys: the hash-index path (more than 16 pairs).
        let pairs = (0..<10_000).map { index in ("key\(index % 5_000)", AttributeValue.int(Int64(index))) }
        let attributes = TraceAttributes(pairs)
        #expect(attributes.count == 5_000)
        #expect(attributes.first?.key == "key0")
        #expect(attributes["key0"] == .int(5_000))
        #expect(attributes["key4999"] == .int(9_999))
        #expect(attributes.map(\.key) == (0..<5_000).map { "key\($0)" })
    }

    @Test func namesKeysEventNamesAndStatusMessagesAreBoundedToo() throws {
        let collector = InMemorySpanSink()
        let limits = SpanLimits(maxAttributeValueLength: 100, maxAttributeKeyLength: 20, maxNameLength: 10)
        TraceSystem.withRecorder(.inMemory(collector, limits: limits)) {
            try? traceOperation(String(repeating: "n", count: 50), ["a-very-long-key-indeed": 1, "short": 2]) { span in
                span.addEvent(String(repeating: "v", count: 50))
                throw HugeDescriptionError()
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.name == String(repeating: "n", count: 10))
        #expect(span.attributes.map(\.key) == ["a-very-long-key-inde", "short"])
        #expect(span.status == .error(message: String(repeating: "e", count: 100)))
        #expect(span.events.map(\.name) == [String(repeating: "v", count: 10), "exception"])
        #expect(span.events[1].attributes["exception.message"] == .string(String(repeating: "e", count: 100)))
        // The name, one key, the event name, the message and the exception message were shortened.
        #expect(span.truncatedValueCount == 5)
    }

    @Test func keysThatBecomeEqualWhenShortenedKeepTheLastValue() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector, limits: SpanLimits(maxAttributeKeyLength: 4))) {
            traceOperation("keys", ["abcdX": 1, "abcdY": 2, "z": 3]) {}
        }
        let span = try #require(collector.spans.first)
        #expect(span.attributes.map(\.key) == ["abcd", "z"])
        #expect(span.attributes["abcd"] == .int(2))
        #expect(span.droppedAttributeCount == 1)
    }

    @Test func arraysKeepTheirFirstElementsUpToTheArrayLimit() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector, limits: SpanLimits(maxAttributeArrayLength: 3))) {
            traceOperation("arrays", ["ints": .intArray(Array(0..<10)), "names": .stringArray(["a", "b"])]) {}
        }
        let span = try #require(collector.spans.first)
        #expect(span.attributes["ints"] == .intArray([0, 1, 2]))
        #expect(span.attributes["names"] == .stringArray(["a", "b"]))
        #expect(span.truncatedValueCount == 1)
    }

    @Test func aSpanOverItsSizeBudgetShortensItsLongestValuesToOneLengthAndKeepsEveryAttribute() throws {
        let collector = InMemorySpanSink()
        let limits = SpanLimits(maxSpanBytes: 8 * 1024)
        var attributes: TraceAttributes = ["small": "keep me", "status": 200]
        for index in 0..<10 { attributes["blob\(index)"] = .string(String(repeating: "x", count: 4096)) }
        TraceSystem.withRecorder(.inMemory(collector, limits: limits)) {
            traceOperation("big", attributes) {}
        }
        let span = try #require(collector.spans.first)
        #expect(span.attributes.count == 12)
        #expect(span.droppedAttributeCount == 0)
        #expect(span.attributes["small"] == .string("keep me"))
        #expect(span.attributes["status"] == .int(200))
        let blobLengths = Set(
            (0..<10).compactMap { index -> Int? in
                if case .string(let value) = span.attributes["blob\(index)"] { return value.utf8.count }
                return nil
            })
        #expect(blobLengths.count == 1)
        let length = try #require(blobLengths.first)
        #expect(length > 0 && length < 4096)
        #expect(span.truncatedValueCount == 10)
        #expect(SpanLimits.encodedSizeEstimate(of: span) <= 8 * 1024)
        // The longest length that fits: one byte more each would not.
        #expect(SpanLimits.encodedSizeEstimate(of: span) + 10 > 8 * 1024)
    }

    @Test func whenOverheadsAloneAreOverTheBudgetEventsGoFirstThenAttributes() throws {
        let collector = InMemorySpanSink()
        let limits = SpanLimits(maxAttributeCount: 1000, maxEventCount: 1000, maxSpanBytes: 4096)
        TraceSystem.withRecorder(.inMemory(collector, limits: limits)) {
            traceOperation("many") { span in
                for index in 0..<100 { span.setAttribute("a\(index)", .int(Int64(index))) }
                for index in 0..<100 { span.addEvent("e\(index)") }
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.events.isEmpty)
        #expect(span.droppedEventCount == 100)
        #expect(span.attributes.count < 100 && span.attributes.count > 0)
        #expect(span.attributes.first?.key == "a0")
        #expect(Int(span.droppedAttributeCount) == 100 - span.attributes.count)
        #expect(SpanLimits.encodedSizeEstimate(of: span) <= 4096)
    }

    @Test func theSizeBudgetIsCappedAtWhatOneLogBlockHolds() {
        #expect(SpanLimits(maxSpanBytes: 1 << 30).maxSpanBytes == SpanLimits.largestSpanBytes)
        #expect(SpanLimits().maxSpanBytes <= SpanLimits.largestSpanBytes)
    }
}
