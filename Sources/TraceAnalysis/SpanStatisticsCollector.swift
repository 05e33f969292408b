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
    /// Links children to parents within a batch for `add(_: SpanBatch)`; kept to reuse its tables.
    private var batchSelfTimes = BatchSelfTimes()

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

    /// Adds every span of `batch` (a decoded log block, spans in finishing order): the same as `add(_:)` on each of
    /// `batch.records`, without making the records. Names are looked up once per shape, and self time is linked
    /// within the block (`BatchSelfTimes`).
    ///
    /// ```swift
    /// for case .spans(let batch) in try LogBatchReader(path: "app.tklog", attributes: []) { collector.add(batch) }
    /// ```
    public mutating func add(_ batch: SpanBatch) {
        guard batch.count > 0 else { return }
        var selfTimes: [UInt64] = []
        batchSelfTimes.compute(batch, tracker: &selfTimeTracker, into: &selfTimes)
        // The statistics of the batch's names, taken out of the dictionary while the spans are recorded.
        var positions: [String: Int] = [:]
        var local: [SpanStatistics] = []
        var used = [Bool](repeating: false, count: batch.shapes.count)
        for shape in batch.shapeIndexes { used[Int(shape)] = true }
        // Only the names of shapes that spans have: a damaged or hostile record can declare others.
        let shapePositions = zip(batch.shapes, used).map { shape, isUsed -> Int in
            guard isUsed else { return -1 }
            if let known = positions[shape.name] { return known }
            positions[shape.name] = local.count
            local.append(byName.removeValue(forKey: shape.name) ?? SpanStatistics(name: shape.name, alpha: alpha))
            return local.count - 1
        }
        let shapeIsError = batch.shapes.map(\.status.isError)
        for index in 0..<batch.count {
            let shape = Int(batch.shapeIndexes[index])
            local[shapePositions[shape]].record(
                durationNanoseconds: batch.durationNanoseconds[index], selfTimeNanoseconds: selfTimes[index],
                isError: shapeIsError[shape])
        }
        for statistics in local { byName[statistics.name] = statistics }
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
