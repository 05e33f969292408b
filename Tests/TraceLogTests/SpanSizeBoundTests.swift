// Tests that every span the span limits admit fits in one log block, so the writer never drops a span for size.

import Foundation
import Testing
import TraceKit
import TraceKitTesting

@testable import TraceLog

@Suite struct SpanSizeBoundTests {
    /// Spans made to be as costly per estimated byte as possible: many attributes and events with short or
    /// empty keys and values, arrays of empty strings, errors.
    static func worstCaseSpans(seed: UInt64) -> [SpanRecord] {
        var random = SeededGenerator(seed: seed)
        var spans: [SpanRecord] = []
        for index in 0..<400 {
            var attributes = TraceAttributes()
            let count = Int.random(in: 0...300, using: &random)
            for key in 0..<count {
                let name =
                    index % 3 == 0
                    ? "\(key)" : String(repeating: "k", count: Int.random(in: 0...300, using: &random)) + "\(key)"
                switch Int.random(in: 0..<6, using: &random) {
                case 0: attributes[name] = .string("")
                case 1:
                    attributes[name] = .string(String(repeating: "v", count: Int.random(in: 0...5000, using: &random)))
                case 2:
                    attributes[name] = .stringArray(
                        Array(repeating: "", count: Int.random(in: 0...400, using: &random)))
                case 3:
                    attributes[name] = .intArray((0..<Int.random(in: 0...400, using: &random)).map { _ in Int64.min })
                case 4:
                    attributes[name] = .doubleArray(
                        Array(repeating: .pi, count: Int.random(in: 0...400, using: &random)))
                default: attributes[name] = .int(.min)
                }
            }
            var events: [SpanRecord.Event] = []
            for event in 0..<Int.random(in: 0...200, using: &random) {
                var eventAttributes = TraceAttributes()
                for key in 0..<Int.random(in: 0...4, using: &random) { eventAttributes["\(key)"] = .string("") }
                events.append(
                    SpanRecord.Event(name: "\(event)", timeUnixNanoseconds: random.next(), attributes: eventAttributes))
            }
            spans.append(
                SpanRecord(
                    traceID: TraceID(high: random.next(), low: random.next()),
                    spanID: SpanID(rawValue: random.next() | 1),
                    parentSpanID: SpanID(rawValue: random.next() | 1),
                    name: String(repeating: "n", count: Int.random(in: 0...3000, using: &random)),
                    kind: .server,
                    status: .error(message: String(repeating: "m", count: Int.random(in: 0...9000, using: &random))),
                    startUnixNanoseconds: random.next(), durationNanoseconds: random.next(), attributes: attributes,
                    events: events))
        }
        return spans
    }

    /// The documented promise: a span whose estimate is at most `SpanLimits.largestSpanBytes` fits in an empty
    /// block. Checked as: the writer's own bound for a span alone in a block never exceeds the estimate by more
    /// than the room `largestSpanBytes` leaves below the block's payload limit.
    @Test(arguments: [1 as UInt64, 2, 3])
    func theWritersBoundNeverExceedsTheEstimateByMoreThanTheRoomLeftInABlock(seed: UInt64) {
        let room = LogFormat.maxPayloadBytes - SpanLimits.largestSpanBytes
        let keys = IdentifierKeys(TraceRecorder(TraceConfiguration(service: "t")).identifiers)
        for limits in [
            SpanLimits(maxSpanBytes: .max), SpanLimits(),
            SpanLimits(maxAttributeCount: 100_000, maxEventCount: 100_000, maxSpanBytes: .max),
        ] {
            for var span in Self.worstCaseSpans(seed: seed) {
                limits.apply(to: &span)
                let estimate = SpanLimits.encodedSizeEstimate(of: span)
                #expect(estimate <= limits.maxSpanBytes)
                for identifiers in [keys, nil] {
                    let solo = BlockEncoder.soloSize(span, identifiers: identifiers)
                    #expect(solo <= estimate + room, "bound \(solo) for an estimate of \(estimate)")
                    #expect(solo <= LogFormat.maxPayloadBytes)
                }
            }
        }
    }

    @Test func theLargestSpansTheDefaultLimitsAdmitAreAllWritten() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("large.tklog")
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "large"))
        let recorder = TraceRecorder(TraceConfiguration(service: "large", sinks: [writer]))
        TraceSystem.withRecorder(recorder) {
            for round in 0..<5 {
                traceOperation("huge") { span in
                    for index in 0..<200 {
                        span.setAttribute("attribute.\(index)", .string(String(repeating: "\(round)", count: 4096)))
                    }
                    for index in 0..<200 {
                        span.addEvent("event.\(index)", ["detail": .string(String(repeating: "d", count: 4096))])
                    }
                    span.status = .error(message: String(repeating: "m", count: 1 << 20))
                }
            }
        }
        writer.shutdown()
        #expect(writer.statistics.spansTooLarge == 0)
        #expect(writer.statistics.spansWritten == 5)
        let spans = Array(try LogReader(path: path)).spans
        #expect(spans.count == 5)
        for span in spans {
            #expect(span.attributes.count == 128)
            #expect(span.droppedAttributeCount > 0 && span.droppedEventCount > 0 && span.truncatedValueCount > 0)
        }
    }

    @Test func aSpanHandedToTheWriterDirectlyIsShortenedNotDropped() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("direct.tklog")
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "direct"))
        writer.consume(
            SpanRecord(
                traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), name: "direct",
                startUnixNanoseconds: 1_700_000_000_000_000_000, durationNanoseconds: 5,
                attributes: ["blob": .string(String(repeating: "b", count: 1 << 20)), "small": 1]))
        writer.shutdown()
        #expect(writer.statistics.spansTooLarge == 0)
        let span = try #require(Array(try LogReader(path: path)).spans.first)
        #expect(span.attributes["small"] == .int(1))
        #expect(span.truncatedValueCount == 1)
        #expect(SpanLimits.encodedSizeEstimate(of: span) <= SpanLimits.largestSpanBytes)
    }
}
