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
