// SpanFixtures: hand-built spans with chosen timings (in milliseconds) for known-answer tests.

import TraceKit

enum SpanFixtures {
    /// An arbitrary epoch so times look like real Unix nanoseconds.
    static let epoch: UInt64 = 1_764_000_000_000_000_000

    static func nanoseconds(milliseconds: UInt64) -> UInt64 { milliseconds * 1_000_000 }

    /// A span of trace `trace` lasting `[startMs, endMs)` after `epoch`.
    static func span(
        _ name: String,
        id: UInt64,
        parent: UInt64? = nil,
        trace: UInt64 = 1,
        from startMs: UInt64,
        to endMs: UInt64,
        error: Bool = false
    ) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 0xAB, low: trace),
            spanID: SpanID(rawValue: id),
            parentSpanID: parent.map { SpanID(rawValue: $0) },
            name: name,
            status: error ? .error(message: "failed") : .unset,
            startUnixNanoseconds: epoch + nanoseconds(milliseconds: startMs),
            durationNanoseconds: nanoseconds(milliseconds: endMs - startMs)
        )
    }

    /// Spans ordered as a sink sees them: by end time, a parent after children ending at the same time.
    static func finishingOrder(_ spans: [SpanRecord]) -> [SpanRecord] {
        spans.enumerated().sorted { lhs, rhs in
            if lhs.element.endUnixNanoseconds != rhs.element.endUnixNanoseconds {
                return lhs.element.endUnixNanoseconds < rhs.element.endUnixNanoseconds
            }
            return lhs.offset > rhs.offset
        }.map(\.element)
    }
}
