// The summary sketch's error bound, checked against exact quantiles of generated data, and its merging.

import Testing
import TraceSync

@testable import TraceMetrics

@Suite("DDSketch behind summaries")
struct DDSketchTests {
    static let quantiles = [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0]

    /// Exact quantile with the rank the sketch guarantees: element floor(q * (n - 1)) of the sorted data.
    static func exact(_ q: Double, _ sorted: [Double]) -> Double {
        sorted[Int(q * Double(sorted.count - 1))]
    }

    static func data(_ distribution: String, count: Int, seed: UInt64) -> [Double] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
            switch distribution {
            case "lognormal":  // latency-like: long right tail
                let v = Double.random(in: Double.ulpOfOne..<1, using: &random)
                let normal = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
                return exp(-3 + 1.5 * normal)
            case "uniform": return u * 1000
            case "mixed-sign": return (u - 0.5) * 200
            default: return -log(u) * 0.05  // exponential
            }
        }
    }

    @Test(
        "every quantile is within the stated relative error of the exact one",
        arguments: [
            (0.01, "lognormal"), (0.01, "uniform"), (0.02, "exponential"), (0.005, "lognormal"), (0.01, "mixed-sign"),
        ])
    func errorWithinBound(alpha: Double, distribution: String) {
        let values = Self.data(distribution, count: 50_000, seed: 42)
        var sketch = DDSketch(relativeAccuracy: alpha)
        for value in values { sketch.add(value) }
        let sorted = values.sorted()
        #expect(sketch.count == values.count)
        for q in Self.quantiles {
            let exact = Self.exact(q, sorted)
            let estimate = sketch.quantile(q) ?? .nan
            #expect(abs(estimate - exact) <= alpha * abs(exact) * (1 + 1e-9), "q=\(q): \(estimate) vs exact \(exact)")
        }
    }

    @Test("a sketch built by merging parts answers like one built from all the data")
    func mergeEqualsWhole() {
        let values = Self.data("lognormal", count: 20_000, seed: 7)
        var whole = DDSketch()
        var left = DDSketch()
        var right = DDSketch()
        for (index, value) in values.enumerated() {
            whole.add(value)
            if index % 3 == 0 { left.add(value) } else { right.add(value) }
        }
        let merged = left.merge(right)
        #expect(merged)
        for q in Self.quantiles { #expect(left.quantile(q) == whole.quantile(q), "q=\(q)") }
        #expect(left.count == whole.count)
        let before = left
        let mergedOther = left.merge(DDSketch(relativeAccuracy: 0.05))
        #expect(!mergedOther)
        #expect(left == before)
    }

    @Test("an empty sketch has no quantiles; q outside [0, 1] has none; NaN is ignored")
    func edgeCases() {
        var sketch = DDSketch()
        #expect(sketch.quantile(0.5) == nil)
        sketch.add(.nan)
        #expect(sketch.count == 0)
        sketch.add(3)
        #expect(sketch.quantile(1.5) == nil)
        #expect(abs((sketch.quantile(0.5) ?? 0) - 3) <= 0.03)
        sketch.add(0)
        #expect(sketch.quantile(0) == 0)
    }

    @Test("memory stays bounded when values span many orders of magnitude")
    func boundedBuckets() {
        var sketch = DDSketch(relativeAccuracy: 0.01, maxBucketCount: 128)
        var value = 1e-8
        while value < 1e12 {
            sketch.add(value)
            value *= 1.01
        }
        let sorted = { () -> [Double] in
            var all: [Double] = []
            var v = 1e-8
            while v < 1e12 { all.append(v); v *= 1.01 }
            return all
        }()
        #expect(sketch.positive.counts.count == 128)
        // The highest quantiles keep full accuracy; only the lowest buckets were folded together.
        for q in [0.99, 0.999, 1.0] {
            let exact = Self.exact(q, sorted)
            #expect(abs((sketch.quantile(q) ?? 0) - exact) <= 0.01 * exact * (1 + 1e-9))
        }
    }

    @Test("a summary exports quantiles within its accuracy, and exact count and sum")
    func summaryExportsSketchQuantiles() throws {
        let registry = MetricsRegistry(clock: .fixed(0))
        let summary = try registry.summary("job_seconds", help: "Jobs.", unit: "seconds", relativeAccuracy: 0.01)
        let values = Self.data("exponential", count: 10_000, seed: 3)
        for value in values { summary.observe(value) }
        let sorted = values.sorted()
        let text = registry.exposition()
        for q in [0.5, 0.9, 0.95, 0.99] {
            let line = try #require(
                text.split(separator: "\n").first { $0.hasPrefix("job_seconds{quantile=\"\(q)\"}") })
            let value = try #require(Double(line.split(separator: " ")[1]))
            let exact = Self.exact(q, sorted)
            #expect(abs(value - exact) <= 0.01 * exact * (1 + 1e-9))
        }
        #expect(text.contains("job_seconds_count 10000\n"))
        #expect(summary.snapshot().sum == values.reduce(0, +))
    }
}

#if canImport(Glibc)
    import Glibc
#endif
