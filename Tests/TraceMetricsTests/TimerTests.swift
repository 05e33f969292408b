// The seed's two timing styles: an explicit timer and Go's TrackAppOperation, measured on a real clock.

import Testing
import TraceMetrics

@Suite("Timers")
struct TimerTests {
    @Test("a started timer records the elapsed seconds into its histogram when stopped")
    func startStopRecordsElapsed() async throws {
        let registry = MetricsRegistry()
        let outside = ContinuousClock.now
        let timer = try registry.startTimer("ui_tool_execution_duration_seconds", labels: ["tool": "search"])
        try await Task.sleep(for: .milliseconds(30))
        let seconds = timer.stop()
        let elapsed = ContinuousClock.now - outside
        // Bounded by a clock read around the timer, not by a constant: with other tests keeping the cooperative
        // pool busy (under ThreadSanitizer, minutes), a 30 ms sleep can take any time. Nanoseconds read as
        // seconds, or milliseconds, would still be caught.
        let outer = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(seconds >= 0.03 && seconds <= outer + 0.001, "timer \(seconds) s, measured around it \(outer) s")
        let family = try registry.histogramFamily(
            "ui_tool_execution_duration_seconds", help: "", unit: "seconds", labelNames: ["tool"])
        let series = try family.labels(["tool": "search"])
        #expect(series.count == 1)
        #expect(series.sum == seconds)
        let stats = try #require(registry.stats("ui_tool_execution_duration_seconds"))
        #expect(stats.count == 1)
    }

    @Test("trackOperation started before a defer records the whole scope")
    func trackOperationInDefer() async throws {
        let registry = MetricsRegistry()
        func listApps() async throws {
            let done = registry.trackOperation("list")
            defer { done() }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await listApps()
        try await listApps()
        let family = try registry.histogramFamily(
            "operation_duration_seconds", help: "", unit: "seconds", labelNames: ["operation"])
        let list = try family.labels(["operation": "list"])
        #expect(list.count == 2)
        #expect(list.sum >= 0.04)
        #expect(registry.trackingFailures == 0)
    }

    @Test("the closure form times the body, returns its value and records even when it throws")
    func trackOperationClosure() async throws {
        struct Boom: Error {}
        let registry = MetricsRegistry()
        let value = try await registry.trackOperation("compute") { () async throws -> Int in
            try await Task.sleep(for: .milliseconds(10))
            return 42
        }
        #expect(value == 42)
        await #expect(throws: Boom.self) {
            try await registry.trackOperation("compute") { () async throws(Boom) -> Int in throw Boom() }
        }
        let family = try registry.histogramFamily(
            "operation_duration_seconds", help: "", unit: "seconds", labelNames: ["operation"])
        #expect(try family.labels(["operation": "compute"]).count == 2)
    }

    @Test("trackOperation on a name taken by another type records nothing and counts the miss")
    func trackOperationConflictIsCounted() throws {
        let registry = MetricsRegistry()
        _ = try registry.counter("operation_duration_seconds", help: "Wrong type.")
        let done = registry.trackOperation("list")
        #expect(done() >= 0)
        #expect(registry.trackingFailures == 1)
    }

    @Test("a histogram family's timer observes into the labelled series")
    func familyTimer() throws {
        let registry = MetricsRegistry()
        let family = try registry.histogramFamily("step_seconds", help: "", unit: "seconds", labelNames: ["step"])
        let timer = try family.startTimer(["step": "parse"])
        timer.stop()
        #expect(try family.labels(["step": "parse"]).count == 1)
        let direct = try registry.histogram("direct_seconds", help: "", unit: "seconds")
        direct.startTimer().stop()
        #expect(direct.count == 1)
    }
}
