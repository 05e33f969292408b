// MetricsReadiness: whether a server's metrics are complete, so /metrics and /ready can refuse a partial replay.

import Synchronization

/// Says whether the metrics a server exposes are complete yet; until then `/metrics` and `/ready` answer
/// `503 Service Unavailable`.
///
/// A registry fed by replaying a log holds partial counts until the replay reaches the log's end. Exposed, those
/// look to Prometheus like a counter reset (and `rate()` jumps when they catch up), so ``LogMetricsService``
/// marks its readiness only once the initial replay of every file has reached its end.
///
/// ```swift
/// let feeder = LogMetricsService(paths: ["app.tklog"], follow: true, analyzer: analyzer)
/// let server = MetricsServer(registry: registry, readiness: feeder.readiness)
/// ```
public final class MetricsReadiness: Sendable {
    private let ready: Atomic<Bool>

    /// Creates a readiness that is not ready, or ready from the start with `isReady: true`.
    ///
    /// ```swift
    /// let readiness = MetricsReadiness()
    /// ```
    public init(isReady: Bool = false) {
        ready = Atomic(isReady)
    }

    /// Whether the metrics are complete.
    ///
    /// ```swift
    /// if readiness.isReady { print("serving") }
    /// ```
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    /// Marks the metrics complete; from now on `/metrics` and `/ready` answer 200. It is never undone.
    ///
    /// ```swift
    /// readiness.markReady()
    /// ```
    public func markReady() {
        ready.store(true, ordering: .releasing)
    }
}
