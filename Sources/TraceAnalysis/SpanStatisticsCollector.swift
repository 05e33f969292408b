// SpanStatisticsCollector: per-name SpanStatistics fed one span at a time, memory bounded by the name count.

import TraceKit

/// Aggregates spans into one `SpanStatistics` per span name, one span at a time.
///
/// Memory grows with the number of distinct names, not with the number of spans (plus the bounded
/// buffer of its `SelfTimeTracker`). It only aggregates: turning the numbers into metrics or text is
/// left to whoever reads `statistics`, so a live analyzer and an offline report can share it.
///
/// ```swift
/// var collector = SpanStatisticsCollector()
/// for span in replayedSpans { collector.add(span) }
/// for stats in collector.statistics { print(stats.name, stats.count, stats.p95DurationNanoseconds ?? 0) }
/// ```
public struct SpanStatisticsCollector: Sendable {
    /// The relative accuracy of every sketch.
    public let alpha: Double
    /// Computes self time for spans added without one.
    public private(set) var selfTimeTracker: SelfTimeTracker
    private var byName: [String: SpanStatistics] = [:]

    /// Creates an empty collector; see `SelfTimeTracker` for `maxPendingChildIntervals`.
    public init(alpha: Double = 0.01, maxPendingChildIntervals: Int = 1_000_000) {
        self.alpha = alpha
        self.selfTimeTracker = SelfTimeTracker(maxPendingChildIntervals: maxPendingChildIntervals)
    }

    /// Adds a span, computing its self time from the children already added (spans in finishing order).
    ///
    /// ```swift
    /// collector.add(span)
    /// ```
    public mutating func add(_ span: SpanRecord) {
        let selfTime = selfTimeTracker.selfTimeNanoseconds(of: span)
        add(span, selfTimeNanoseconds: selfTime)
    }

    /// Adds a span whose self time is already known, for example from a `TraceForest`.
    ///
    /// ```swift
    /// for node in tree.nodes { collector.add(node.span, selfTimeNanoseconds: node.selfTimeNanoseconds) }
    /// ```
    public mutating func add(_ span: SpanRecord, selfTimeNanoseconds: UInt64) {
        byName[span.name, default: SpanStatistics(name: span.name, alpha: alpha)].record(
            durationNanoseconds: span.durationNanoseconds,
            selfTimeNanoseconds: selfTimeNanoseconds,
            isError: span.status.isError
        )
    }

    /// The statistics for one name, `nil` if no span had it.
    public func statistics(named name: String) -> SpanStatistics? { byName[name] }

    /// All statistics, sorted by name.
    public var statistics: [SpanStatistics] {
        byName.values.sorted { $0.name < $1.name }
    }

    /// How many distinct names were seen.
    public var nameCount: Int { byName.count }
}
