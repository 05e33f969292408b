// SpanTree: the spans of one trace linked into a tree, with orphans kept as extra roots.

import TraceKit

/// The spans of one trace, linked parent to child, in depth-first order.
///
/// A span whose parent is not among the spans is an orphan: it becomes an extra root with `isOrphan` set,
/// so nothing is lost when a damaged log block took the parent away. Spans whose parent links form a
/// cycle (only corrupt input does that) are also cut loose as orphans. When a span id occurs twice in a
/// trace, the first occurrence is kept and `duplicateSpanCount` counts the rest.
///
/// ```swift
/// let forest = TraceForest(spans)
/// if let tree = forest.trees.first {
///     print(tree.renderText())
///     let path = tree.criticalPath()
/// }
/// ```
public struct SpanTree: Hashable, Sendable {
    /// The trace every span here belongs to.
    public let traceID: TraceID
    /// Every span of the trace, depth-first: each root followed by its subtree, children by start time.
    public let nodes: [SpanTreeNode]
    /// Positions of the roots in `nodes`: true roots first, then orphans, each group by start time.
    public let rootIndices: [Int]
    /// Spans dropped because their span id already occurred in this trace.
    public let duplicateSpanCount: Int
    private let nodeIndexBySpanID: [SpanID: Int]

    /// Links `spans` (all of trace `traceID`) into a tree.
    init(traceID: TraceID, spans: [SpanRecord]) {
        self.traceID = traceID
        var records: [SpanRecord] = []
        var positionByID: [SpanID: Int] = [:]
        records.reserveCapacity(spans.count)
        for span in spans where positionByID[span.spanID] == nil {
            positionByID[span.spanID] = records.count
            records.append(span)
        }
        duplicateSpanCount = spans.count - records.count

        var childrenOf = [[Int]](repeating: [], count: records.count)
        var declaredRoots: [Int] = []
        var orphans: [Int] = []
        for (position, record) in records.enumerated() {
            if let parentID = record.parentSpanID {
                if let parent = positionByID[parentID], parent != position {
                    childrenOf[parent].append(position)
                } else {
                    orphans.append(position)
                }
            } else {
                declaredRoots.append(position)
            }
        }
        let byStart: (Int, Int) -> Bool = { lhs, rhs in
            let (a, b) = (records[lhs], records[rhs])
            if a.startUnixNanoseconds != b.startUnixNanoseconds {
                return a.startUnixNanoseconds < b.startUnixNanoseconds
            }
            return a.spanID.rawValue < b.spanID.rawValue
        }
        for position in childrenOf.indices { childrenOf[position].sort(by: byStart) }
        declaredRoots.sort(by: byStart)
        orphans.sort(by: byStart)

        var builder = Builder(records: records, childrenOf: childrenOf)
        for root in declaredRoots { builder.appendSubtree(of: root, isOrphan: false) }
        for orphan in orphans { builder.appendSubtree(of: orphan, isOrphan: true) }
        // Whatever is still unplaced hangs off a parent cycle: cut each cycle at its earliest span.
        let unplaced = records.indices.filter { builder.nodeIndexOfRecord[$0] == nil }.sorted(by: byStart)
        for position in unplaced where builder.nodeIndexOfRecord[position] == nil {
            builder.appendSubtree(of: position, isOrphan: true)
        }
        nodes = builder.finishedNodes()
        rootIndices = builder.rootNodeIndices
        nodeIndexBySpanID = Dictionary(uniqueKeysWithValues: nodes.map { ($0.span.spanID, $0.index) })
    }

    /// How many spans the tree holds.
    public var spanCount: Int { nodes.count }

    /// Whether any span lost its parent.
    public var hasOrphans: Bool { nodes.contains { $0.isOrphan } }

    /// The earliest start of any span in the trace.
    public var startUnixNanoseconds: UInt64 { nodes.map(\.span.startUnixNanoseconds).min() ?? 0 }

    /// The latest end of any span in the trace.
    public var endUnixNanoseconds: UInt64 { nodes.map(\.span.interval.end).max() ?? 0 }

    /// From the earliest start to the latest end of the trace's spans.
    public var durationNanoseconds: UInt64 { endUnixNanoseconds - min(startUnixNanoseconds, endUnixNanoseconds) }

    /// The root the trace is usually read from: the first true root, else the earliest orphan.
    public var primaryRootIndex: Int? { rootIndices.first }

    /// The node of span `spanID`, `nil` if the trace has no such span.
    ///
    /// ```swift
    /// let parent = tree.node(for: spanID).flatMap { $0.parentIndex }.map { tree.nodes[$0] }
    /// ```
    public func node(for spanID: SpanID) -> SpanTreeNode? {
        nodeIndexBySpanID[spanID].map { nodes[$0] }
    }

    /// Places records into depth-first node order without recursion, so very deep traces cannot overflow
    /// the stack.
    private struct Builder {
        let records: [SpanRecord]
        let childrenOf: [[Int]]
        var nodeIndexOfRecord: [Int?]
        var order: [(record: Int, parentNode: Int?, depth: Int, isOrphan: Bool)] = []
        var rootNodeIndices: [Int] = []

        init(records: [SpanRecord], childrenOf: [[Int]]) {
            self.records = records
            self.childrenOf = childrenOf
            self.nodeIndexOfRecord = Array(repeating: nil, count: records.count)
        }

        mutating func appendSubtree(of root: Int, isOrphan: Bool) {
            var stack: [(record: Int, parentNode: Int?, depth: Int, isOrphan: Bool)] = [(root, nil, 0, isOrphan)]
            rootNodeIndices.append(order.count)
            while let entry = stack.popLast() {
                guard nodeIndexOfRecord[entry.record] == nil else { continue }
                let nodeIndex = order.count
                nodeIndexOfRecord[entry.record] = nodeIndex
                order.append(entry)
                for child in childrenOf[entry.record].reversed() where nodeIndexOfRecord[child] == nil {
                    stack.append((child, nodeIndex, entry.depth + 1, false))
                }
            }
        }

        func finishedNodes() -> [SpanTreeNode] {
            var childNodes = [[Int]](repeating: [], count: order.count)
            for (nodeIndex, entry) in order.enumerated() {
                if let parent = entry.parentNode { childNodes[parent].append(nodeIndex) }
            }
            return order.enumerated().map { nodeIndex, entry in
                let record = records[entry.record]
                var childIntervals = childNodes[nodeIndex].map { records[order[$0].record].interval }
                let selfTime = IntervalCoverage.selfTime(
                    parentStart: record.startUnixNanoseconds,
                    parentDuration: record.durationNanoseconds,
                    children: &childIntervals
                )
                return SpanTreeNode(
                    span: record,
                    index: nodeIndex,
                    parentIndex: entry.parentNode,
                    childIndices: childNodes[nodeIndex],
                    depth: entry.depth,
                    isOrphan: entry.isOrphan,
                    selfTimeNanoseconds: selfTime
                )
            }
        }
    }
}
