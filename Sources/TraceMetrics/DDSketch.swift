// DDSketch: a mergeable quantile sketch whose estimates are within a stated relative error.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mergeable quantile sketch (DDSketch): observations go into logarithmic buckets, so any quantile is
/// estimated within a relative error of ``relativeAccuracy`` (alpha) of the exact value, and two sketches
/// with the same alpha merge exactly.
///
/// Guarantee: for `q` in [0, 1] and `n` observations, `quantile(q)` is within `alpha * |x|` of `x`, the
/// element of rank `floor(q * (n - 1))` (0-based) of the sorted observations; values with magnitude below
/// 1e-9 count as zero. Memory is at most ``maxBucketCount`` buckets per sign; when a sketch would need more,
/// the lowest-magnitude buckets are merged, which affects only the lowest quantiles (Masson et al., 2019).
///
/// ```swift
/// var sketch = DDSketch(relativeAccuracy: 0.01)
/// for value in [0.1, 0.2, 0.3] { sketch.add(value) }
/// let median = sketch.quantile(0.5)  // within 1% of 0.2
/// ```
public struct DDSketch: Sendable, Hashable {
    /// The relative error bound alpha.
    public let relativeAccuracy: Double
    /// The most buckets kept per sign.
    public let maxBucketCount: Int
    let gamma: Double
    let logGamma: Double
    static let minIndexableMagnitude = 1e-9

    var positive = LogBucketStore()
    var negative = LogBucketStore()
    /// Observations counted as zero (magnitude below 1e-9).
    package private(set) var zeroCount = 0
    /// Number of observations.
    public private(set) var count = 0
    /// Sum of observations.
    public private(set) var sum = 0.0
    /// Smallest observation, or +infinity when empty.
    public private(set) var min = Double.infinity
    /// Largest observation, or -infinity when empty.
    public private(set) var max = -Double.infinity

    /// Creates an empty sketch; `relativeAccuracy` must lie in (0, 1), else 0.01 is used.
    ///
    /// ```swift
    /// var sketch = DDSketch(relativeAccuracy: 0.005)
    /// ```
    public init(relativeAccuracy: Double = 0.01, maxBucketCount: Int = 2048) {
        let alpha = relativeAccuracy > 0 && relativeAccuracy < 1 ? relativeAccuracy : 0.01
        self.relativeAccuracy = alpha
        self.maxBucketCount = Swift.max(maxBucketCount, 16)
        gamma = (1 + alpha) / (1 - alpha)
        logGamma = log(gamma)
    }

    /// Adds one observation; NaN is ignored.
    ///
    /// ```swift
    /// sketch.add(0.042)
    /// ```
    public mutating func add(_ value: Double) {
        add(value, count: 1)
    }

    /// Adds `occurrences` observations of `value`; NaN and a count below 1 are ignored.
    ///
    /// ```swift
    /// sketch.add(0.042, count: 3)
    /// ```
    public mutating func add(_ value: Double, count occurrences: Int) {
        guard !value.isNaN, occurrences > 0 else { return }
        let magnitude = value.magnitude
        if magnitude < Self.minIndexableMagnitude {
            zeroCount += occurrences
        } else if value > 0 {
            positive.add(key: key(magnitude), count: occurrences, maxBucketCount: maxBucketCount)
        } else {
            negative.add(key: key(magnitude), count: occurrences, maxBucketCount: maxBucketCount)
        }
        count += occurrences
        sum += value * Double(occurrences)
        min = Swift.min(min, value)
        max = Swift.max(max, value)
    }

    /// Whether buckets were merged to respect ``maxBucketCount``: quantiles among the lowest magnitudes may then
    /// exceed the relative accuracy.
    public var hasCollapsedBuckets: Bool { positive.hasCollapsed || negative.hasCollapsed }

    /// The buckets currently stored, both signs.
    public var bucketCount: Int { positive.counts.count + negative.counts.count }

    /// Adds all observations of `other`; both sketches must have the same relative accuracy.
    ///
    /// ```swift
    /// var total = DDSketch()
    /// total.merge(perSeriesSketch)
    /// ```
    /// - Returns: false, leaving this sketch unchanged, if the accuracies differ.
    @discardableResult
    public mutating func merge(_ other: DDSketch) -> Bool {
        guard other.relativeAccuracy == relativeAccuracy else { return false }
        positive.merge(other.positive, maxBucketCount: maxBucketCount)
        negative.merge(other.negative, maxBucketCount: maxBucketCount)
        zeroCount += other.zeroCount
        count += other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
        return true
    }

    /// Estimates the `q`-quantile, `q` in [0, 1]; nil when the sketch is empty or `q` is out of range.
    ///
    /// ```swift
    /// let p99 = sketch.quantile(0.99)
    /// ```
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, q >= 0, q <= 1 else { return nil }
        let rank = Double(Int(q * Double(count - 1)))
        var seen = 0
        // Most negative first: negative buckets from the largest magnitude down.
        for (offset, bucketCount) in negative.counts.enumerated().reversed() where bucketCount > 0 {
            seen += bucketCount
            if Double(seen) > rank { return clamp(-value(forKey: negative.firstKey + offset)) }
        }
        seen += zeroCount
        if Double(seen) > rank { return 0 }
        for (offset, bucketCount) in positive.counts.enumerated() where bucketCount > 0 {
            seen += bucketCount
            if Double(seen) > rank { return clamp(value(forKey: positive.firstKey + offset)) }
        }
        return max
    }

    /// Keeps estimates within the observed range, which can only move them closer to the exact value.
    private func clamp(_ estimate: Double) -> Double {
        Swift.min(Swift.max(estimate, min), max)
    }

    private func key(_ magnitude: Double) -> Int {
        Int((log(magnitude) / logGamma).rounded(.up))
    }

    /// The estimate for bucket `key`, which holds (gamma^(key-1), gamma^key]: within alpha of both ends.
    private func value(forKey key: Int) -> Double {
        2 * pow(gamma, Double(key)) / (gamma + 1)
    }
}

/// Dense counts for a contiguous range of bucket keys.
struct LogBucketStore: Sendable, Hashable {
    var firstKey = 0
    var counts: [Int] = []
    /// Whether buckets below the kept range were folded into its lowest bucket.
    private(set) var hasCollapsed = false

    mutating func add(key: Int, count: Int, maxBucketCount: Int) {
        if counts.isEmpty {
            firstKey = key
            counts = [count]
            return
        }
        var key = key
        let lastKey = firstKey + counts.count - 1
        if key > lastKey {
            counts.append(contentsOf: repeatElement(0, count: key - lastKey))
        } else if key < firstKey {
            let lowestAllowed = lastKey - maxBucketCount + 1
            if key < lowestAllowed { hasCollapsed = true }
            key = Swift.max(key, lowestAllowed)
            if key < firstKey {
                counts.insert(contentsOf: repeatElement(0, count: firstKey - key), at: 0)
                firstKey = key
            }
        }
        counts[key - firstKey] += count
        collapseIfNeeded(maxBucketCount: maxBucketCount)
    }

    mutating func merge(_ other: LogBucketStore, maxBucketCount: Int) {
        hasCollapsed = hasCollapsed || other.hasCollapsed
        for (offset, bucketCount) in other.counts.enumerated() where bucketCount > 0 {
            add(key: other.firstKey + offset, count: bucketCount, maxBucketCount: maxBucketCount)
        }
    }

    /// Folds the lowest buckets into one so that at most `maxBucketCount` remain.
    private mutating func collapseIfNeeded(maxBucketCount: Int) {
        let excess = counts.count - maxBucketCount
        guard excess > 0 else { return }
        hasCollapsed = true
        let folded = counts[0...excess].reduce(0, +)
        counts.removeFirst(excess)
        counts[0] = folded
        firstKey += excess
    }
}
