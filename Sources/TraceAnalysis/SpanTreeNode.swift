// SpanTreeNode: one span placed in its trace's tree, with its links, depth and self time.

import TraceKit

/// A span in a `SpanTree`: the record, its parent and children (as indices into `SpanTree.nodes`),
/// its depth, whether its parent is missing, and its self time.
///
/// ```swift
/// for node in tree.nodes where node.isOrphan {
///     print("\(node.span.name) lost its parent \(node.span.parentSpanID?.description ?? "")")
/// }
/// ```
public struct SpanTreeNode: Hashable, Sendable {
    /// The span itself.
    public let span: SpanRecord
    /// This node's position in `SpanTree.nodes`.
    public let index: Int
    /// The parent's position in `SpanTree.nodes`; `nil` for roots and orphans.
    public let parentIndex: Int?
    /// The children's positions in `SpanTree.nodes`, ordered by start time.
    public let childIndices: [Int]
    /// 0 for roots and orphans, 1 for their children, and so on.
    public let depth: Int
    /// Whether the span names a parent that is not among the spans (for example lost in a damaged log
    /// block). Orphans are kept as extra roots of their trace.
    public let isOrphan: Bool
    /// The span's duration minus the length of the union of its children's intervals clipped to its own.
    public let selfTimeNanoseconds: UInt64
}
