// SharedInstrumentation: the process-wide bootstraps (swift-metrics, swift-distributed-tracing, TraceKit) for tests.

import Foundation
import Instrumentation
import Metrics
import TraceKit
import TraceKitBridges
import TraceKitTesting
import TraceLog
import TraceMetrics

/// One registry, one span collector and one trace log for every test in this process.
///
/// swift-metrics and swift-distributed-tracing bootstrap once per process (TraceKit itself is left alone), and Hummingbird serves requests in tasks
/// that do not inherit a test's task-locals, so server-side tests share these; each test uses its own metric and
/// route names and finds its spans by trace id.
enum SharedInstrumentation {
    struct Environment: Sendable {
        let registry: MetricsRegistry
        let collector: InMemorySpanSink
        let logWriter: LogWriter
        let logPath: String
        let recorder: TraceRecorder
    }

    struct SetupFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// The shared environment, or why it could not be made.
    static func environment() throws -> Environment { try shared.get() }

    private static let shared: Result<Environment, SetupFailed> = {
        let registry = MetricsRegistry()
        let collector = InMemorySpanSink()
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("tracekit-http-\(UUID()).tklog")
            .path
        let resource = Resource(serviceName: "tracekit-http-tests")
        let logWriter: LogWriter
        do {
            logWriter = try LogWriter(path: logPath, resource: resource)
        } catch {
            return .failure(SetupFailed(description: "cannot open the shared test log at \(logPath): \(error)"))
        }
        let recorder = TraceRecorder(TraceConfiguration(resource: resource, sinks: [collector, logWriter]))
        logWriter.useIdentifiers(of: recorder)
        MetricsSystem.bootstrap(TraceKitMetricsFactory(registry: registry, naming: .hummingbird(prefix: "backend")))
        // A fixed recorder, not TraceSystem.bootstrap: every test target runs in this one process, and the
        // TraceKit tests check that the global bootstrap happens once.
        InstrumentationSystem.bootstrap(TraceKitTracer(recorder: recorder))
        return .success(
            Environment(
                registry: registry, collector: collector, logWriter: logWriter, logPath: logPath, recorder: recorder))
    }()

    /// Waits (up to 5 s) until the shared collector holds `count` spans matching `filter`, and returns them.
    static func waitForSpans(
        count: Int, _ filter: @escaping (SpanRecord) -> Bool
    ) async throws -> [SpanRecord] {
        let collector = try environment().collector
        _ = try await eventually { collector.spans.filter(filter).count >= count }
        return collector.spans.filter(filter)
    }

    /// Waits until `condition` holds, for metrics recorded after the response was written: up to 60 s, a bound
    /// only a lost update reaches (a loaded machine or ThreadSanitizer can delay an update by seconds).
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
