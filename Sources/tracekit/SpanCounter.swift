// SpanCounter: a sink that only counts finished spans, so the demo knows when it has written enough.

import Synchronization
import TraceKit

/// Counts the spans handed to it.
final class SpanCounter: SpanSink {
    private let counter = Atomic<Int>(0)

    func consume(_ span: SpanRecord) { counter.add(1, ordering: .relaxed) }

    /// Spans consumed so far.
    var count: Int { counter.load(ordering: .relaxed) }
}
