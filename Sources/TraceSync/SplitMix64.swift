// SplitMix64: the one small seeded random generator of the package (sampling, the demo workload, test data).

/// SplitMix64 (Steele, Lea, Flood 2014): fast, 64-bit state, the same numbers for the same seed on every run.
/// Good enough for sampling and generated workloads; not for anything secret.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let pick = Double.random(in: 0..<1, using: &random)
/// ```
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// SplitMix64's finaliser: a bijection of 64-bit values that spreads every input bit over the output.
    @inline(__always)
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `p`.
    package mutating func chance(_ p: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < p
    }
}
