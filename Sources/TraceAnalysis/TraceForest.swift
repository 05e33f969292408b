// TraceForest: spans of one or many traces grouped into one SpanTree per trace.

import TraceKit

/// Groups spans by trace and links each trace into a `SpanTree`; the offline entry point for trees,
/// critical paths, top-N and exact self time.
///
/// It holds every span it is given, so build it from a bounded set (one log file, a time window, the
/// traces of interest); for unbounded streams use `SpanStatisticsCollector` and `SlowestSpans`.
///
/// ```swift
/// let forest = TraceForest(spans)
/// for tree in forest.slowestTraces(3) { print(tree.renderText()) }
/// ```
public struct TraceForest: Hashable, Sendable {
    /// One tree per trace, ordered by the trace's start time, then trace id.
    public let trees: [SpanTree]
    private let treeIndexByTraceID: [TraceID: Int]

    /// Groups and links `spans`, in any order.
    ///
    /// ```swift
    /// let forest = TraceForest(collector.spans)
    /// ```
    public init(_ spans: some Sequence<SpanRecord>) {
        var spansByTrace: [TraceID: [SpanRecord]] = [:]
        for span in spans { spansByTrace[span.traceID, default: []].append(span) }
        let unordered = spansByTrace.map { SpanTree(traceID: $0.key, spans: $0.value) }
        let starts = unordered.map(\.startUnixNanoseconds)
        let order = unordered.indices.sorted { lhs, rhs in
            if starts[lhs] != starts[rhs] { return starts[lhs] < starts[rhs] }
            let (a, b) = (unordered[lhs].traceID, unordered[rhs].traceID)
            return a.high != b.high ? a.high < b.high : a.low < b.low
        }
        trees = order.map { unordered[$0] }
        treeIndexByTraceID = Dictionary(
            uniqueKeysWithValues: trees.enumerated().map { ($0.element.traceID, $0.offset) })
    }

    /// The tree of trace `traceID`, `nil` if no span had it.
    public func tree(for traceID: TraceID) -> SpanTree? {
        treeIndexByTraceID[traceID].map { trees[$0] }
    }

    /// The critical path of trace `traceID` from its primary root, `nil` if no span had that trace id.
    ///
    /// ```swift
    /// let path = forest.criticalPath(of: slowTraceID)
    /// ```
    public func criticalPath(of traceID: TraceID) -> CriticalPath? {
        tree(for: traceID)?.criticalPath()
    }

    /// How many spans the forest holds (duplicates excluded).
    public var spanCount: Int { trees.reduce(0) { $0 + $1.spanCount } }

    /// How many spans lost their parent, across all traces.
    public var orphanCount: Int { trees.reduce(0) { $0 + $1.nodes.count { $0.isOrphan } } }

    /// The `n` longest spans, slowest first (ties: earlier start, then lower ids).
    ///
    /// ```swift
    /// let top = forest.slowestSpans(10).map(\.name)
    /// ```
    public func slowestSpans(_ n: Int) -> [SpanRecord] {
        var slowest = SlowestSpans(capacity: n)
        for tree in trees {
            for node in tree.nodes { slowest.add(node.span) }
        }
        return slowest.spans
    }

    /// The `n` longest traces (earliest start to latest end of their spans), slowest first.
    ///
    /// ```swift
    /// let worst = forest.slowestTraces(1).first?.criticalPath()
    /// ```
    public func slowestTraces(_ n: Int) -> [SpanTree] {
        guard n > 0 else { return [] }
        let durations = trees.map(\.durationNanoseconds)
        // `trees` is already in start order, so a stable tie-break is the position.
        let order = trees.indices.sorted { lhs, rhs in
            durations[lhs] != durations[rhs] ? durations[lhs] > durations[rhs] : lhs < rhs
        }
        return order.prefix(n).map { trees[$0] }
    }

    /// Per-name statistics with exact self time (every child is known here, whatever order it finished in).
    ///
    /// ```swift
    /// let stats = forest.statistics().statistics(named: "db.query")
    /// ```
    public func statistics(alpha: Double = 0.01) -> SpanStatisticsCollector {
        var collector = SpanStatisticsCollector(alpha: alpha)
        for tree in trees {
            for node in tree.nodes { collector.add(node.span, selfTimeNanoseconds: node.selfTimeNanoseconds) }
        }
        return collector
    }
}
