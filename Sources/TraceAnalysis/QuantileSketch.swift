// QuantileSketch: span statistics' view of the registry's DDSketch: non-negative values, rejects counted.

import TraceMetrics

/// A mergeable sketch of non-negative values whose quantiles are within a relative error `alpha`.
///
/// Values fall into logarithmic buckets `(γ^(i-1), γ^i]` with `γ = (1 + α) / (1 - α)`; a quantile is
/// answered with `2γ^i / (γ + 1)`, which is within `α` (relative) of every value in bucket `i`, so
/// `quantile(q)` is within `α` of the exact lower quantile `sorted[⌊q·(n-1)⌋]` (DDSketch, Masson et al.
/// 2019). Memory is bounded by `maxBucketCount`: past it the lowest buckets are merged, and only
/// quantiles that land in the merged range lose the bound (`hasCollapsedBuckets` tells).
/// Zero (and anything below 1e-9, far under a nanosecond) goes to its own bucket, reported as `min`; negative,
/// NaN and infinite values are not sketchable and are only counted in `rejectedCount`.
///
/// ```swift
/// var sketch = QuantileSketch()            // alpha 0.01, 2048 buckets
/// for nanoseconds in [120.0, 250, 900, 40_000] { sketch.add(nanoseconds) }
/// let p99 = sketch.quantile(0.99)           // within 1% of 40_000
/// ```
public struct QuantileSketch: Hashable, Sendable {
    /// The relative-error bound of quantiles, for example `0.01` for 1%.
    public let alpha: Double
    /// The largest number of buckets kept for non-zero values.
    public var maxBucketCount: Int { sketch.maxBucketCount }
    /// How many values were added (not counting rejected ones).
    public var count: UInt64 { UInt64(sketch.count) }
    /// The sum of the values added.
    public var sum: Double { sketch.sum }
    /// The smallest value added, `nil` when empty.
    public var min: Double? { sketch.count == 0 ? nil : sketch.min }
    /// The largest value added, `nil` when empty.
    public var max: Double? { sketch.count == 0 ? nil : sketch.max }
    /// Values that were negative, NaN or infinite and so were not added.
    public private(set) var rejectedCount: UInt64 = 0

    /// The buckets: the metrics registry's DDSketch, so summaries and span statistics share one implementation.
    private var sketch: DDSketch

    /// Creates an empty sketch with relative accuracy `alpha` (clamped to `0.0001...0.5`).
    ///
    /// ```swift
    /// let coarse = QuantileSketch(alpha: 0.02, maxBucketCount: 512)
    /// ```
    public init(alpha: Double = 0.01, maxBucketCount: Int = 2048) {
        let safeAlpha = alpha.isFinite ? Swift.min(Swift.max(alpha, 0.0001), 0.5) : 0.01
        self.alpha = safeAlpha
        self.sketch = DDSketch(relativeAccuracy: safeAlpha, maxBucketCount: maxBucketCount)
    }

    /// Whether low buckets were merged to respect `maxBucketCount`; quantiles in that range may exceed `alpha`.
    public var hasCollapsedBuckets: Bool { sketch.hasCollapsedBuckets }

    /// The number of non-zero buckets currently stored (at most `maxBucketCount`).
    public var bucketCount: Int { sketch.bucketCount }

    /// The mean of the values added, `nil` when empty.
    public var mean: Double? { count == 0 ? nil : sum / Double(count) }

    /// Adds one value.
    ///
    /// ```swift
    /// sketch.add(Double(span.durationNanoseconds))
    /// ```
    public mutating func add(_ value: Double) {
        add(value, count: 1)
    }

    /// Adds `count` occurrences of `value`.
    public mutating func add(_ value: Double, count occurrences: UInt64) {
        guard occurrences > 0 else { return }
        guard value.isFinite, value >= 0 else {
            rejectedCount &+= occurrences
            return
        }
        sketch.add(value, count: Int(clamping: occurrences))
    }

    /// The estimated `q`-quantile (`q` clamped to `0...1`), `nil` when empty.
    ///
    /// It estimates the value at rank `⌊q·(count-1)⌋` of the sorted input within `alpha`, clamped to
    /// `min...max` (so `quantile(0)` and `quantile(1)` are exact); values counted as zero report `min`.
    ///
    /// ```swift
    /// let median = sketch.quantile(0.5)
    /// ```
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, let low = min, let high = max else { return nil }
        let clampedQ = q.isNaN ? 0.5 : Swift.min(Swift.max(q, 0), 1)
        if clampedQ == 0 { return low }
        if clampedQ == 1 { return high }
        let rank = (clampedQ * Double(count - 1)).rounded(.down)
        if Double(sketch.zeroCount) > rank { return low }
        return sketch.quantile(clampedQ)
    }

    /// Adds every value of `other` into this sketch.
    ///
    /// Both sketches must use the same `alpha`; this sketch keeps its own `maxBucketCount`.
    ///
    /// ```swift
    /// var total = QuantileSketch()
    /// try total.merge(perWorkerSketch)
    /// ```
    public mutating func merge(_ other: QuantileSketch) throws(QuantileSketchError) {
        guard other.alpha == alpha else {
            throw .incompatibleAlpha(this: alpha, other: other.alpha)
        }
        rejectedCount &+= other.rejectedCount
        sketch.merge(other.sketch)
    }
}

/// Why two quantile sketches could not be merged.
public enum QuantileSketchError: Error, Hashable, Sendable {
    /// The sketches were built with different accuracies; build both with the same `alpha`.
    case incompatibleAlpha(this: Double, other: Double)
}
