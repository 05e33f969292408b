// Tests that QuantileSketch answers quantiles within its relative-error bound, merges, and stays bounded.

import Testing
import TraceAnalysis

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct QuantileSketchTests {
    /// The exact lower quantile the sketch promises to approximate: `sorted[⌊q·(n-1)⌋]`.
    func exactQuantile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
    }

    func relativeError(_ estimate: Double?, _ exact: Double) -> Double {
        guard let estimate else { return .infinity }
        return abs(estimate - exact) / exact
    }

    static let quantiles = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999]

    @Test(arguments: [0.01, 0.02, 0.05])
    func quantilesOfLogNormalLatenciesAreWithinAlpha(alpha: Double) {
        var generator = SeededGenerator(seed: 42)
        let values = (0..<50_000).map { _ in generator.logNormal(median: 2_000_000, sigma: 1.5) }
        var sketch = QuantileSketch(alpha: alpha)
        for value in values { sketch.add(value) }
        let sorted = values.sorted()
        #expect(sketch.count == 50_000)
        #expect(!sketch.hasCollapsedBuckets)
        for q in Self.quantiles {
            let error = relativeError(sketch.quantile(q), exactQuantile(sorted, q))
            #expect(error <= alpha * (1 + 1e-9), "q=\(q) error=\(error)")
        }
        #expect(sketch.quantile(0) == sorted.first)
        #expect(sketch.quantile(1) == sorted.last)
    }

    @Test func quantilesOfUniformIntegersAreWithinAlpha() {
        var generator = SeededGenerator(seed: 7)
        let values = (0..<20_000).map { _ in Double(UInt64.random(in: 1...10_000_000, using: &generator)) }
        var sketch = QuantileSketch()
        for value in values { sketch.add(value) }
        let sorted = values.sorted()
        var worst = 0.0
        for step in 1..<1000 {
            let q = Double(step) / 1000
            worst = max(worst, relativeError(sketch.quantile(q), exactQuantile(sorted, q)))
        }
        #expect(worst <= 0.01 * (1 + 1e-9))
        // The sketch really approximates (it does not keep the values), so errors are visible but bounded.
        #expect(worst > 0.001)
    }

    @Test func countSumMinMaxAndMeanAreExact() throws {
        var sketch = QuantileSketch()
        for value in [5.0, 1, 0, 4, 10] { sketch.add(value) }
        #expect(sketch.count == 5)
        #expect(sketch.sum == 20)
        #expect(sketch.min == 0)
        #expect(sketch.max == 10)
        #expect(sketch.mean == 4)
        #expect(sketch.quantile(0.1) == 0)
        let median = try #require(sketch.quantile(0.5))
        #expect(abs(median - 4) <= 0.04)
    }

    @Test func emptySketchHasNoQuantile() {
        let sketch = QuantileSketch()
        #expect(sketch.quantile(0.5) == nil)
        #expect(sketch.mean == nil)
        #expect(sketch.count == 0)
    }

    @Test func negativeAndNonFiniteValuesAreRejectedNotAdded() {
        var sketch = QuantileSketch()
        sketch.add(-1)
        sketch.add(.nan)
        sketch.add(.infinity)
        sketch.add(3)
        #expect(sketch.rejectedCount == 3)
        #expect(sketch.count == 1)
        #expect(sketch.quantile(0.5) == 3)
    }

    @Test func mergedSketchEqualsSketchOfAllValues() throws {
        var generator = SeededGenerator(seed: 3)
        let values = (0..<10_000).map { _ in generator.logNormal(median: 50_000, sigma: 1) }
        var whole = QuantileSketch()
        var first = QuantileSketch()
        var second = QuantileSketch()
        for (index, value) in values.enumerated() {
            whole.add(value)
            if index % 3 == 0 { first.add(value) } else { second.add(value) }
        }
        try first.merge(second)
        #expect(first.count == whole.count)
        #expect(first.min == whole.min)
        #expect(first.max == whole.max)
        #expect(abs(first.sum - whole.sum) <= 1e-6 * whole.sum)
        for q in Self.quantiles {
            #expect(first.quantile(q) == whole.quantile(q), "q=\(q)")
        }
    }

    @Test func mergingDifferentAlphasThrows() {
        var fine = QuantileSketch(alpha: 0.01)
        fine.add(1)
        var coarse = QuantileSketch(alpha: 0.05)
        coarse.add(2)
        #expect(throws: QuantileSketchError.incompatibleAlpha(this: 0.01, other: 0.05)) {
            try fine.merge(coarse)
        }
    }

    @Test func bucketCountStaysBoundedAndHighQuantilesKeepTheBound() {
        // 1 ns .. 1e12 ns needs about 1,400 buckets at alpha 0.01; allow only 200.
        var sketch = QuantileSketch(alpha: 0.01, maxBucketCount: 200)
        var values: [Double] = []
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<30_000 {
            let value = exp(Double.random(in: 0..<27.6, using: &generator))
            values.append(value)
            sketch.add(value)
        }
        #expect(sketch.bucketCount <= 200)
        #expect(sketch.hasCollapsedBuckets)
        let sorted = values.sorted()
        // 200 buckets cover a factor of γ^200 ≈ 55 below the maximum: quantiles above that range keep the bound.
        for q in [0.9, 0.95, 0.99, 0.999] {
            #expect(relativeError(sketch.quantile(q), exactQuantile(sorted, q)) <= 0.01 * (1 + 1e-9), "q=\(q)")
        }
        // Low quantiles were collapsed upward: the estimate is far from the exact value, as documented.
        #expect(relativeError(sketch.quantile(0.01), exactQuantile(sorted, 0.01)) > 0.5)
    }
}
