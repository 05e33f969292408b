// CriticalPath: the chain of spans that determines a trace's end-to-end latency, and how it is found.

import TraceKit

/// The critical path of a (sub)tree: which span was "on the clock" at each moment of the root's interval.
///
/// The segments are contiguous, in time order, and together cover the root's interval exactly, so their
/// durations add up to the root's duration. Shortening a span that is not on the path does not make the
/// trace faster; shortening one on the path (by up to its critical time) does.
///
/// Algorithm (the one Jaeger UI uses, after Uber's CRISP): children are first clipped to their parent's
/// interval (a child outside it is ignored). Start at the root with a cursor at its end. Take the child
/// that finishes last among those finishing at or before the cursor; the gap between that child's end and
/// the cursor is the parent's own critical time; descend into the child with the cursor at the child's
/// end, and when it is done move the parent's cursor back to the child's start. Children finishing after
/// the cursor overlapped a later critical child and are skipped. When no child is left, the parent owns
/// the time from its start to the cursor. Ties in end time go to the child that started first. One deviation
/// from Jaeger: a child ending exactly *at* the cursor qualifies (Jaeger requires strictly before), so
/// back-to-back sequential children are both on the path.
///
/// ```swift
/// let path = tree.criticalPath()
/// for segment in path.segments {
///     print(tree.nodes[segment.nodeIndex].span.name, segment.durationNanoseconds)
/// }
/// ```
public struct CriticalPath: Hashable, Sendable {
    /// A stretch of time during which one span was on the critical path.
    public struct Segment: Hashable, Sendable {
        /// The span's position in `SpanTree.nodes`.
        public let nodeIndex: Int
        /// The span's id.
        public let spanID: SpanID
        /// Where the stretch starts, Unix nanoseconds.
        public let startUnixNanoseconds: UInt64
        /// Where the stretch ends, Unix nanoseconds.
        public let endUnixNanoseconds: UInt64

        /// The stretch's length.
        public var durationNanoseconds: UInt64 { endUnixNanoseconds - startUnixNanoseconds }
    }

    /// Contiguous stretches in time order; their durations add up to the root's duration.
    public let segments: [Segment]
    /// The distinct spans on the path (positions in `SpanTree.nodes`), ordered by start time.
    public let nodeIndices: [Int]

    /// The sum of the segments: the root's duration.
    public var durationNanoseconds: UInt64 { segments.reduce(0) { $0 + $1.durationNanoseconds } }

    /// How long span `nodeIndex` was on the critical path (0 when it is not on it).
    ///
    /// ```swift
    /// let dbShare = path.criticalTimeNanoseconds(ofNode: dbNode.index)
    /// ```
    public func criticalTimeNanoseconds(ofNode nodeIndex: Int) -> UInt64 {
        segments.reduce(0) { $0 + ($1.nodeIndex == nodeIndex ? $1.durationNanoseconds : 0) }
    }
}

extension SpanTree {
    /// The critical path from root `rootIndex` (default: `primaryRootIndex`); empty for an empty tree.
    ///
    /// Any node index may be passed: the path is then the one of that subtree. See `CriticalPath` for the
    /// algorithm.
    ///
    /// ```swift
    /// let names = tree.criticalPath().nodeIndices.map { tree.nodes[$0].span.name }
    /// ```
    public func criticalPath(from rootIndex: Int? = nil) -> CriticalPath {
        guard let root = rootIndex ?? primaryRootIndex, nodes.indices.contains(root) else {
            return CriticalPath(segments: [], nodeIndices: [])
        }
        var reversedSegments: [CriticalPath.Segment] = []
        var onPath: Set<Int> = []
        func emit(_ node: Int, _ start: UInt64, _ end: UInt64) {
            guard end > start else { return }
            reversedSegments.append(
                CriticalPath.Segment(
                    nodeIndex: node,
                    spanID: nodes[node].span.spanID,
                    startUnixNanoseconds: start,
                    endUnixNanoseconds: end
                )
            )
        }
        let rootInterval = nodes[root].span.interval
        var stack = [makeFrame(node: root, start: rootInterval.start, end: rootInterval.end)]
        onPath.insert(root)
        // An explicit stack instead of recursion: a trace can be deeper than the thread stack allows.
        while let top = stack.indices.last {
            if stack[top].next < stack[top].children.count {
                let child = stack[top].children[stack[top].next]
                stack[top].next += 1
                guard child.end <= stack[top].cursor else { continue }
                emit(stack[top].node, child.end, stack[top].cursor)
                stack[top].cursor = child.start
                // A zero-length child holds no time: walking it changes nothing, listing it would mislead.
                if child.end > child.start { onPath.insert(child.node) }
                stack.append(makeFrame(node: child.node, start: child.start, end: child.end))
            } else {
                emit(stack[top].node, stack[top].start, stack[top].cursor)
                stack.removeLast()
            }
        }
        let ordered = onPath.sorted { lhs, rhs in
            let (a, b) = (nodes[lhs].span, nodes[rhs].span)
            if a.startUnixNanoseconds != b.startUnixNanoseconds {
                return a.startUnixNanoseconds < b.startUnixNanoseconds
            }
            return nodes[lhs].depth != nodes[rhs].depth ? nodes[lhs].depth < nodes[rhs].depth : lhs < rhs
        }
        return CriticalPath(segments: reversedSegments.reversed(), nodeIndices: ordered)
    }

    private struct ClippedChild {
        var node: Int
        var start: UInt64
        var end: UInt64
    }

    private struct PathFrame {
        var node: Int
        var start: UInt64
        var cursor: UInt64
        /// Children clipped to this node's (clipped) interval, latest end first.
        var children: [ClippedChild]
        var next = 0
    }

    private func makeFrame(node: Int, start: UInt64, end: UInt64) -> PathFrame {
        var children: [ClippedChild] = []
        for child in nodes[node].childIndices {
            let interval = nodes[child].span.interval
            let clippedStart = max(interval.start, start)
            let clippedEnd = min(interval.end, end)
            if clippedStart <= clippedEnd {
                children.append(ClippedChild(node: child, start: clippedStart, end: clippedEnd))
            }
        }
        children.sort { lhs, rhs in
            if lhs.end != rhs.end { return lhs.end > rhs.end }
            if lhs.start != rhs.start { return lhs.start < rhs.start }
            return lhs.node < rhs.node
        }
        return PathFrame(node: node, start: start, cursor: end, children: children)
    }
}
