// SlowestSpans: the N longest spans seen so far, kept in a bounded heap while spans stream by.

import TraceKit

/// Keeps the `capacity` slowest spans of a stream, using memory for `capacity` spans only.
///
/// Ties in duration go to the span that started first, then to the lower trace and span id, so the
/// result does not depend on the order spans arrive in.
///
/// ```swift
/// var slowest = SlowestSpans(capacity: 10)
/// for span in replayedSpans { slowest.add(span) }
/// for span in slowest.spans { print(span.name, span.durationNanoseconds) }
/// ```
public struct SlowestSpans: Sendable {
    /// How many spans are kept at most.
    public let capacity: Int
    /// A min-heap on slowness: the root is the fastest span kept, the first to give way.
    private var heap: [SpanRecord] = []

    /// Creates an empty top-`capacity` list (a negative capacity counts as 0).
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Offers one span; it is kept if it is among the `capacity` slowest so far.
    public mutating func add(_ span: SpanRecord) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(span)
            siftUp(heap.count - 1)
        } else if Self.isSlower(span, than: heap[0]) {
            heap[0] = span
            siftDown(0)
        }
    }

    /// The kept spans, slowest first.
    public var spans: [SpanRecord] {
        heap.sorted { Self.isSlower($0, than: $1) }
    }

    /// The order used everywhere for "slowest": longer first, then earlier start, then lower ids.
    static func isSlower(_ a: SpanRecord, than b: SpanRecord) -> Bool {
        if a.durationNanoseconds != b.durationNanoseconds { return a.durationNanoseconds > b.durationNanoseconds }
        if a.startUnixNanoseconds != b.startUnixNanoseconds { return a.startUnixNanoseconds < b.startUnixNanoseconds }
        if a.traceID.high != b.traceID.high { return a.traceID.high < b.traceID.high }
        if a.traceID.low != b.traceID.low { return a.traceID.low < b.traceID.low }
        return a.spanID.rawValue < b.spanID.rawValue
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isSlower(heap[parent], than: heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var fastest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count {
                if Self.isSlower(heap[fastest], than: heap[child]) { fastest = child }
            }
            guard fastest != parent else { return }
            heap.swapAt(parent, fastest)
            parent = fastest
        }
    }
}
