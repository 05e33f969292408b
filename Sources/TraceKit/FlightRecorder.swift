// FlightRecorder: a sink that keeps the most recent spans in a fixed-size ring, to dump when something goes wrong.

import TraceSync

/// Keeps the last `capacity` finished spans in memory, overwriting the oldest; memory stays fixed however many
/// spans pass through. Take a `snapshot()` when an error or a slow request needs its context, or keep it as a
/// cheap always-on companion to a sampled log.
///
/// ```swift
/// let recent = FlightRecorder(capacity: 10_000)
/// try TraceSystem.bootstrap(TraceConfiguration(service: "api", sinks: [recent], sampler: .always))
/// // later, on a failure:
/// for span in recent.snapshot() where span.traceID == failedTrace { print(span.name) }
/// ```
public final class FlightRecorder: SpanSink {
    private let ring: Locked<Ring>
    /// How many spans the ring holds.
    public let capacity: Int

    struct Ring {
        var slots: [SpanRecord?]
        var next = 0
        var total: UInt64 = 0
    }

    /// Creates a flight recorder holding the last `capacity` spans (at least 1).
    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.ring = Locked(Ring(slots: Array(repeating: nil, count: max(1, capacity))))
    }

    public func consume(_ span: SpanRecord) {
        ring.withLock { ring in
            ring.slots[ring.next] = span
            ring.next = ring.next + 1 == ring.slots.count ? 0 : ring.next + 1
            ring.total &+= 1
        }
    }

    /// The spans held, oldest first.
    public func snapshot() -> [SpanRecord] {
        ring.withLock { ring in
            let count = Int(min(UInt64(ring.slots.count), ring.total))
            var spans: [SpanRecord] = []
            spans.reserveCapacity(count)
            let start = count < ring.slots.count ? 0 : ring.next
            for offset in 0..<count {
                if let span = ring.slots[(start + offset) % ring.slots.count] { spans.append(span) }
            }
            return spans
        }
    }

    /// The spans of one trace that are still held, oldest first.
    public func snapshot(trace: TraceID) -> [SpanRecord] {
        snapshot().filter { $0.traceID == trace }
    }

    /// Spans seen in total, and how many of them have been overwritten.
    public var counts: (seen: UInt64, overwritten: UInt64) {
        ring.withLock { ring in
            (ring.total, ring.total > UInt64(ring.slots.count) ? ring.total - UInt64(ring.slots.count) : 0)
        }
    }
}
