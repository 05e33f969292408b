// CollapsingBucketStore: the dense, size-capped bucket counts behind QuantileSketch.

/// Counts per logarithmic bucket index, stored densely from `minIndex` upward.
///
/// At most `maxBucketCount` buckets exist. When a new index would stretch the range beyond that, the
/// lowest buckets are merged into one (their counts move to the new lowest index), as DDSketch's
/// "collapsing lowest" store does: high quantiles, the ones latency questions ask about, stay accurate.
struct CollapsingBucketStore: Hashable, Sendable {
    private(set) var counts: [UInt64] = []
    private(set) var minIndex: Int = 0
    private(set) var totalCount: UInt64 = 0
    /// Whether some buckets were merged, so quantiles at the low end may exceed the error bound.
    private(set) var hasCollapsed = false
    let maxBucketCount: Int

    init(maxBucketCount: Int) {
        self.maxBucketCount = Swift.max(1, maxBucketCount)
    }

    var isEmpty: Bool { counts.isEmpty }

    /// The highest index held; only meaningful when not empty.
    var maxIndex: Int { minIndex + counts.count - 1 }

    mutating func add(index: Int, count: UInt64) {
        guard count > 0 else { return }
        totalCount &+= count
        if counts.isEmpty {
            minIndex = index
            counts = [count]
            return
        }
        if index < minIndex {
            let wanted = maxIndex - index + 1
            if wanted <= maxBucketCount {
                counts.insert(contentsOf: repeatElement(0, count: minIndex - index), at: 0)
                minIndex = index
                counts[0] &+= count
            } else {
                // Below a full range: the value joins the lowest bucket, which may already be collapsed.
                growDownward(toCover: maxIndex - maxBucketCount + 1)
                hasCollapsed = true
                counts[0] &+= count
            }
            return
        }
        if index > maxIndex {
            let newMinIndex = index - maxBucketCount + 1
            if newMinIndex > minIndex {
                collapseLowest(upTo: newMinIndex)
            }
            counts.append(contentsOf: repeatElement(0, count: index - maxIndex))
        }
        counts[index - minIndex] &+= count
    }

    /// The count in bucket `index`, zero when outside the stored range.
    func count(at index: Int) -> UInt64 {
        let offset = index - minIndex
        guard offset >= 0, offset < counts.count else { return 0 }
        return counts[offset]
    }

    /// Adds every bucket of `other` into this store.
    mutating func merge(_ other: CollapsingBucketStore) {
        guard !other.isEmpty else { return }
        if other.hasCollapsed { hasCollapsed = true }
        // Highest first, so the range is fixed early and lower buckets collapse at most once.
        for offset in stride(from: other.counts.count - 1, through: 0, by: -1) where other.counts[offset] > 0 {
            add(index: other.minIndex + offset, count: other.counts[offset])
        }
    }

    /// Moves all counts below `newMinIndex` into bucket `newMinIndex`.
    private mutating func collapseLowest(upTo newMinIndex: Int) {
        let dropCount = newMinIndex - minIndex
        if dropCount >= counts.count {
            let all = counts.reduce(0, &+)
            counts = [all]
            minIndex = newMinIndex
            hasCollapsed = hasCollapsed || all > 0
            return
        }
        let collapsed = counts[0..<dropCount].reduce(0, &+)
        counts.removeFirst(dropCount)
        counts[0] &+= collapsed
        minIndex = newMinIndex
        if collapsed > 0 { hasCollapsed = true }
    }

    /// Extends the range down to `lowIndex` when it is below the current minimum (used when full).
    private mutating func growDownward(toCover lowIndex: Int) {
        guard lowIndex < minIndex else { return }
        counts.insert(contentsOf: repeatElement(0, count: minIndex - lowIndex), at: 0)
        minIndex = lowIndex
    }
}
