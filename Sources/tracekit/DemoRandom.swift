// DemoRandom: a small seeded generator (SplitMix64) so every demo run builds traces of the same shapes.

import Foundation

/// SplitMix64: fast, seedable, good enough to pick workload shapes; not for anything secret.
struct DemoRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    /// A duration drawn log-uniformly between `low` and `high` milliseconds (latencies are skewed like this).
    mutating func milliseconds(_ low: Double, _ high: Double) -> Duration {
        let value = low * pow(high / low, Double.random(in: 0..<1, using: &self))
        return .microseconds(Int64(value * 1000))
    }
}
