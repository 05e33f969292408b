// InMemorySpanSink: collects finished spans in memory so tests can assert on them.

import Synchronization
import TraceKit
import TraceSync

/// A sink that keeps every finished span in memory, in the order they finished.
///
/// ```swift
/// let collector = InMemorySpanSink()
/// let recorder = TraceRecorder(TraceConfiguration(service: "test", sinks: [collector]))
/// TraceSystem.withRecorder(recorder) { traceOperation("step") {} }
/// #expect(collector.spans.map(\.name) == ["step"])
/// ```
public final class InMemorySpanSink: SpanSink {
    private let collected = Locked<[SpanRecord]>([])
    private let flushes = Atomic<Int>(0)

    public init() {}

    public func consume(_ span: SpanRecord) {
        collected.withLock { $0.append(span) }
    }

    public func flush() {
        flushes.add(1, ordering: .relaxed)
    }

    /// Every span consumed so far, in finishing order.
    public var spans: [SpanRecord] {
        collected.withLock { $0 }
    }

    /// The spans named `name`.
    public func spans(named name: String) -> [SpanRecord] {
        collected.withLock { $0.filter { $0.name == name } }
    }

    /// How many times `flush()` was called.
    public var flushCount: Int { flushes.load(ordering: .relaxed) }

    /// Forgets every span collected so far.
    public func reset() {
        collected.withLock { $0.removeAll() }
    }
}

extension TraceRecorder {
    /// A recorder whose only sink is `collector`, for tests.
    ///
    /// ```swift
    /// let collector = InMemorySpanSink()
    /// try await TraceSystem.withRecorder(.inMemory(collector)) { try await work() }
    /// ```
    public static func inMemory(
        _ collector: InMemorySpanSink,
        service: String = "test",
        sampler: Sampler = .always,
        limits: SpanLimits = SpanLimits()
    ) -> TraceRecorder {
        TraceRecorder(TraceConfiguration(service: service, sinks: [collector], sampler: sampler, limits: limits))
    }
}
