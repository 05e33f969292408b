// DemoRandom: the demo workload's seeded generator, so every run with a seed builds traces of the same shapes.

import Foundation
import TraceSync

/// The package's SplitMix64, with the draws the workload makes.
typealias DemoRandom = SplitMix64

extension SplitMix64 {
    /// A duration drawn log-uniformly between `low` and `high` milliseconds (latencies are skewed like this).
    mutating func milliseconds(_ low: Double, _ high: Double) -> Duration {
        let value = low * pow(high / low, Double.random(in: 0..<1, using: &self))
        return .microseconds(Int64(value * 1000))
    }
}
