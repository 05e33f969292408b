// SeededGenerator: a reproducible random source (the package's SplitMix64) so generated test data is the same every run.

import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// A log-normal draw (Box-Muller), the usual shape of latencies.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return median * exp(sigma * normal)
    }
}
