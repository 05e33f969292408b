// ReplayProgress: how many spans and damaged regions a log replay has read so far.

import TraceKit
import TraceSync

/// Counts of what a ``LogMetricsService`` read, safe to read from any thread.
final class ReplayProgress: Sendable {
    private let counts = Locked((spans: 0, damages: 0))
    func addSpan() { counts.withLock { $0.spans += 1 } }
    func addSpans(_ count: Int) { counts.withLock { $0.spans += count } }
    func addDamage() { counts.withLock { $0.damages += 1 } }
    var spans: Int { counts.withLock { $0.spans } }
    var damages: Int { counts.withLock { $0.damages } }
}
