// TraceRecorderService: a swift-service-lifecycle Service that flushes and shuts down the sinks on graceful shutdown.

import ServiceLifecycle
import TraceKit

/// Runs alongside a service and, when the service group shuts down gracefully (SIGTERM, SIGINT, or
/// `triggerGracefulShutdown()`), flushes every sink and shuts it down, so the log writer seals its last block
/// and writes the end-of-file marker before the process exits.
///
/// ```swift
/// let recorder = try TraceSystem.bootstrap(TraceConfiguration(service: "api", sinks: [logWriter]))
/// let group = ServiceGroup(
///     configuration: .init(services: [.init(service: app), .init(service: TraceRecorderService(recorder))],
///                          gracefulShutdownSignals: [.sigterm], logger: logger))
/// try await group.run()
/// ```
public struct TraceRecorderService: Service {
    private let recorder: TraceRecorder

    /// Creates the service for `recorder`.
    public init(_ recorder: TraceRecorder) {
        self.recorder = recorder
    }

    public func run() async throws {
        // Wait for graceful shutdown; cancellation (a failing sibling service) also ends the wait.
        try? await gracefulShutdown()
        // `shutdown()` may block on file I/O; it runs once, at the very end of the process's life.
        recorder.shutdown()
    }
}
