// ChromeTraceLanes: which lane (tid) each span of a Chrome trace goes on, so a span is only drawn inside its ancestors.

import TraceKit

/// Spans in the order a Chrome trace lists them, each with its lane (`tid`, from 1).
///
/// A viewer (Perfetto, chrome://tracing) draws the complete events of one `tid` as a stack and nests them by time
/// alone: an event drawn inside another reads as its child. So a span may join a lane only on top of one of its
/// own ancestors (nearest first), and only when that ancestor is the innermost span still open on the lane and
/// lasts at least as long; otherwise it starts on a free lane (the lowest-numbered one, so lanes stay few).
/// Overlapping siblings and concurrent traces therefore get lanes of their own, and every span drawn inside
/// another span's interval on a lane is its descendant.
struct ChromeTraceLanes {
    /// The spans by start time, longer first on ties, then ancestors before descendants.
    let spans: [SpanRecord]
    /// The lane of each span of `spans`, from 1.
    let lanes: [Int]

    /// How far up the parent chain a span looks for a lane to join; past it, it takes a free lane.
    static let ancestorSearchLimit = 64

    init(_ spans: some Sequence<SpanRecord>) {
        let input = Array(spans)
        let parents = Self.parentIndexes(input)
        let depths = Self.depths(parents)
        let order = input.indices.sorted { a, b in
            let (x, y) = (input[a], input[b])
            if x.startUnixNanoseconds != y.startUnixNanoseconds {
                return x.startUnixNanoseconds < y.startUnixNanoseconds
            }
            if x.durationNanoseconds != y.durationNanoseconds { return x.durationNanoseconds > y.durationNanoseconds }
            return depths[a] < depths[b]
        }
        self.spans = order.map { input[$0] }
        var position = [Int](repeating: 0, count: input.count)
        for (sortedIndex, inputIndex) in order.enumerated() { position[inputIndex] = sortedIndex }
        let sortedParents = order.map { parents[$0].map { position[$0] } }
        lanes = Self.assign(self.spans, parents: sortedParents)
    }

    /// Lanes for `spans` (already in start order, ancestors first on ties) whose parents are at `parents`.
    static func assign(_ spans: [SpanRecord], parents: [Int?]) -> [Int] {
        let ends = spans.map { end(of: $0) }
        var lanes = [Int](repeating: 0, count: spans.count)
        var open: [[Int]] = []  // per lane (index = lane - 1): the spans still open, outermost first
        var busy = MinHeap<LaneEnd>()  // lanes in use, by the end of their outermost span
        var free = MinHeap<Int>()  // lane indexes whose spans have all ended
        for index in spans.indices {
            let start = spans[index].startUnixNanoseconds
            while let next = busy.min, next.end <= start {
                _ = busy.popMin()
                open[next.lane].removeAll(keepingCapacity: true)
                free.insert(next.lane)
            }
            var chosen: Int?
            var ancestor = parents[index]
            var steps = 0
            while let candidate = ancestor, steps < ancestorSearchLimit {
                let lane = lanes[candidate] - 1
                if lane >= 0 {
                    while let innermost = open[lane].last, ends[innermost] <= start { open[lane].removeLast() }
                    if open[lane].last == candidate, ends[candidate] >= ends[index] {
                        chosen = lane
                        break
                    }
                }
                ancestor = parents[candidate]
                steps += 1
            }
            let lane: Int
            if let chosen {
                lane = chosen
            } else {
                lane = free.popMin() ?? open.count
                if lane == open.count { open.append([]) }
                busy.insert(LaneEnd(end: ends[index], lane: lane))
            }
            open[lane].append(index)
            lanes[index] = lane + 1
        }
        return lanes
    }

    /// The end of a span, saturated rather than wrapped for a duration that would overflow.
    static func end(of span: SpanRecord) -> UInt64 {
        let (end, overflow) = span.startUnixNanoseconds.addingReportingOverflow(span.durationNanoseconds)
        return overflow ? .max : end
    }

    /// For each span, the index of its parent (same trace id, span id = parent span id; a repeated span id
    /// means its first span), or `nil` for a root or a span whose parent is not among `spans`.
    static func parentIndexes(_ spans: [SpanRecord]) -> [Int?] {
        var indexByID: [SpanKey: Int] = [:]
        indexByID.reserveCapacity(spans.count)
        for (index, span) in spans.enumerated() {
            let key = SpanKey(trace: span.traceID, span: span.spanID)
            if indexByID[key] == nil { indexByID[key] = index }
        }
        return spans.enumerated().map { index, span in
            guard let parent = span.parentSpanID,
                let parentIndex = indexByID[SpanKey(trace: span.traceID, span: parent)], parentIndex != index
            else { return nil }
            return parentIndex
        }
    }

    /// Each span's depth below its root (0 for a root), following `parents`; a span on a cycle of parent links
    /// (corrupt input) counts from where the cycle was entered.
    static func depths(_ parents: [Int?]) -> [Int] {
        var depths = [Int](repeating: -1, count: parents.count)
        var inProgress = [Bool](repeating: false, count: parents.count)
        var chain: [Int] = []
        for start in parents.indices where depths[start] < 0 {
            var current: Int? = start
            while let node = current, depths[node] < 0, !inProgress[node] {
                inProgress[node] = true
                chain.append(node)
                current = parents[node]
            }
            var depth = current.map { depths[$0] } ?? -1
            while let node = chain.popLast() {
                depth += 1
                depths[node] = depth
                inProgress[node] = false
            }
        }
        return depths
    }

    /// A span's identity within the spans exported.
    struct SpanKey: Hashable {
        let trace: TraceID
        let span: SpanID
    }

    /// A busy lane and the end of its outermost open span, ordered by end (then lane) for the heap.
    struct LaneEnd: Comparable {
        let end: UInt64
        let lane: Int

        static func < (a: LaneEnd, b: LaneEnd) -> Bool { (a.end, a.lane) < (b.end, b.lane) }
    }
}
