// Tests that the flight recorder keeps exactly the most recent spans in order and counts what it overwrote.

import Testing
import TraceKit
import TraceKitTesting

@Suite struct FlightRecorderTests {
    @Test func keepsTheLastSpansOldestFirst() {
        let recent = FlightRecorder(capacity: 3)
        let recorder = TraceRecorder(TraceConfiguration(service: "t", sinks: [recent]))
        TraceSystem.withRecorder(recorder) {
            for index in 0..<5 { traceOperation("op", ["i": .integer(index)]) {} }
        }
        #expect(recent.snapshot().map { $0.attributes["i"] } == [.int(2), .int(3), .int(4)])
        #expect(recent.counts.seen == 5)
        #expect(recent.counts.overwritten == 2)
    }

    @Test func partlyFilledRingReturnsWhatItHas() {
        let recent = FlightRecorder(capacity: 10)
        let recorder = TraceRecorder(TraceConfiguration(service: "t", sinks: [recent]))
        TraceSystem.withRecorder(recorder) {
            traceOperation("outer") { traceOperation("inner") {} }
        }
        let spans = recent.snapshot()
        #expect(spans.map(\.name) == ["inner", "outer"])
        #expect(recent.snapshot(trace: spans[0].traceID).count == 2)
        #expect(recent.counts.overwritten == 0)
    }

    @Test func concurrentWritersLoseNothingBeyondTheCapacity() async {
        let recent = FlightRecorder(capacity: 1_000)
        let recorder = TraceRecorder(TraceConfiguration(service: "t", sinks: [recent]))
        await TraceSystem.withRecorder(recorder) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { for _ in 0..<500 { traceOperation("op") {} } }
                }
            }
        }
        #expect(recent.counts.seen == 4_000)
        #expect(recent.snapshot().count == 1_000)
        #expect(Set(recent.snapshot().map(\.spanID)).count == 1_000)
    }
}
