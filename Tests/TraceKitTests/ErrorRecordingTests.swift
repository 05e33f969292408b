// Tests that errors thrown out of traced closures are recorded on the span and rethrown unchanged.

import Testing
import TraceKit
import TraceKitTesting

struct PaymentDeclined: Error, Equatable, CustomStringConvertible {
    var code: Int
    var description: String { "payment declined (\(code))" }
}

@Suite struct ErrorRecordingTests {
    @Test func syncErrorIsRecordedAndRethrownUnchanged() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            #expect(throws: PaymentDeclined(code: 51)) {
                try traceOperation("charge") { throw PaymentDeclined(code: 51) }
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.status == .error(message: "payment declined (51)"))
        let event = try #require(span.events.first)
        #expect(event.name == "exception")
        #expect(event.attributes["exception.message"] == .string("payment declined (51)"))
        #expect(event.attributes["exception.type"] == .string(String(reflecting: PaymentDeclined.self)))
        #expect(event.timeUnixNanoseconds >= span.startUnixNanoseconds)
        #expect(event.timeUnixNanoseconds <= span.endUnixNanoseconds)
    }

    @Test func typedThrowsKeepTheirType() {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            do throws(PaymentDeclined) {
                try traceOperation("typed") { () throws(PaymentDeclined) -> Void in throw PaymentDeclined(code: 5) }
            } catch {
                // `error` is statically a PaymentDeclined here: typed throws pass through.
                #expect(error.code == 5)
            }
        }
        #expect(collector.spans.first?.status.isError == true)
    }

    @Test func asyncErrorIsRecordedAndRethrown() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await #expect(throws: PaymentDeclined(code: 7)) {
                try await traceOperation("outer") {
                    try await traceOperation("inner") {
                        await Task.yield()
                        throw PaymentDeclined(code: 7)
                    }
                }
            }
        }
        #expect(collector.spans.map(\.name) == ["inner", "outer"])
        #expect(collector.spans.allSatisfy { $0.status == .error(message: "payment declined (7)") })
    }

    @Test func spanHandleSetsAttributesEventsAndStatus() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("query", ["db.system": "sqlite"]) { span in
                span.setAttribute("db.rows", .integer(3))
                span.setAttribute("db.system", "postgres")
                span.addEvent("retry", ["attempt": 2])
                span.status = .ok
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.attributes.map(\.key) == ["db.system", "db.rows"])
        #expect(span.attributes["db.system"] == .string("postgres"))
        #expect(span.attributes["db.rows"] == .int(3))
        #expect(span.events.map(\.name) == ["retry"])
        #expect(span.events.first?.attributes["attempt"] == .int(2))
        #expect(span.status == .ok)
    }

    @Test func unrecordedSpanIgnoresMutationsAndStillRunsTheBody() {
        let collector = InMemorySpanSink()
        let value = TraceSystem.withRecorder(.inMemory(collector, sampler: .never)) {
            traceOperation("ignored") { span in
                span.setAttribute("k", "v")
                span.addEvent("e")
                #expect(span.isRecording == false)
                #expect(span.attributes.isEmpty)
                return "ran"
            }
        }
        #expect(value == "ran")
        #expect(collector.spans.isEmpty)
    }
}
