// Observations land in the right bucket (value <= le), including at the bounds, infinities and NaN.

import Testing

@testable import TraceMetrics

@Suite("Histogram buckets")
struct HistogramBucketTests {
    /// The reference: the first bucket whose bound is >= value, else the +Inf bucket.
    static func expectedIndex(_ value: Double, _ bounds: [Double]) -> Int {
        bounds.firstIndex { value <= $0 } ?? bounds.count
    }

    @Test("the branch-free search agrees with a linear scan", arguments: [1, 2, 3, 7, 8, 11, 15, 16, 17, 40])
    func searchMatchesLinearScan(boundCount: Int) throws {
        let bounds = try HistogramBuckets.linear(start: -2, width: 0.5, count: boundCount)
        let histogram = Histogram(upperBounds: bounds)
        var values: [Double] = [-.infinity, .infinity, -1e300, 1e300, 0, -0.0]
        for bound in bounds { values += [bound, bound.nextDown, bound.nextUp] }
        for value in values {
            #expect(histogram.bucketIndex(value) == Self.expectedIndex(value, bounds), "value \(value)")
        }
        #expect(histogram.bucketIndex(.nan) == bounds.count)
    }

    @Test("nanoseconds land where their value in seconds lands, compared as integers")
    func nanosecondSearchMatchesTheDivision() {
        // Bounds that are not whole nanoseconds, ones that are, negative ones, and ones past 2^53 ns (where
        // doubles are coarser than a nanosecond and many integers divide to the same seconds).
        let boundSets: [[Double]] = [
            [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            [-1, 0, 1e-9, 1.5e-9, 3e-9],
            [1e-7, 0.1 + 0.2, 1.0 / 3, 2e6, 9_007_199.254_740_993, 1e10, 1.8446744073709552e10, 1e300],
            [],
        ]
        var random = SystemRandomNumberGenerator()
        for bounds in boundSets {
            let histogram = Histogram(upperBounds: bounds)
            var values: [UInt64] = [0, 1, 2, .max, .max - 1, 1 << 53, (1 << 53) + 1, (1 << 63) + 12_345]
            for bound in bounds where bound > -1 {
                let ceiling = Histogram.nanosecondCeiling(bound)
                values += [ceiling, ceiling &- 1, ceiling &+ 1, ceiling &- 2_048, ceiling &+ 2_048]
            }
            for _ in 0..<2_000 {
                values.append(UInt64.random(in: 0...(1 << UInt64.random(in: 1...63)), using: &random))
            }
            for value in values {
                let seconds = Double(value) / 1_000_000_000
                #expect(
                    histogram.bucketIndex(nanoseconds: value) == Self.expectedIndex(seconds, bounds),
                    "\(value) ns against \(bounds)")
            }
        }
    }

    @Test("a value equal to a bound is counted in that bound's bucket")
    func valueOnBoundCountsInThatBucket() throws {
        let registry = MetricsRegistry()
        let histogram = try registry.histogram("on_bound_seconds", help: "", unit: "seconds", buckets: [0.1, 0.5, 1])
        for value in [0.1, 0.5, 1, 1.0000001, -5] { histogram.observe(value) }
        let text = registry.exposition()
        #expect(text.contains("on_bound_seconds_bucket{le=\"0.1\"} 2\n"))
        #expect(text.contains("on_bound_seconds_bucket{le=\"0.5\"} 3\n"))
        #expect(text.contains("on_bound_seconds_bucket{le=\"1\"} 4\n"))
        #expect(text.contains("on_bound_seconds_bucket{le=\"+Inf\"} 5\n"))
    }
}
