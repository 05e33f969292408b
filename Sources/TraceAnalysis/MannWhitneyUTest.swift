// MannWhitneyUTest: the two-sided Mann-Whitney U rank test, computed as SciPy's mannwhitneyu does.

/// The two-sided Mann-Whitney U test of whether two samples come from the same distribution.
///
/// It only uses ranks, so it suits latencies (skewed, heavy-tailed, never normal); benchstat uses it for the
/// same reason. The numbers match `scipy.stats.mannwhitneyu(x, y, alternative="two-sided")`:
/// - `u1` is the U statistic of `x`: the number of pairs with `x > y`, ties counting one half;
/// - asymptotic p-value: normal approximation with tie correction and continuity correction
///   (`method="asymptotic", use_continuity=True`);
/// - exact p-value: the permutation distribution of U, without ties only (`method="exact"`).
/// `.automatic` chooses as SciPy's `method="auto"` does (exact when a sample has at most 8 values and there
/// are no ties), except that it also falls back to the normal approximation when `n1·n2` exceeds
/// `maxExactPairCount`, where the exact distribution would be slow to compute.
///
/// ```swift
/// let test = MannWhitneyUTest([12, 15, 11, 19], [22, 25, 21, 30, 28])
/// if let p = test?.pValue, p < 0.05 { print("different") }
/// ```
public struct MannWhitneyUTest: Hashable, Sendable {
    /// How the p-value is computed.
    public enum Method: String, Hashable, Sendable {
        /// Exact for small samples without ties, asymptotic otherwise.
        case automatic
        /// Normal approximation with tie and continuity correction.
        case asymptotic
        /// The exact distribution of U; falls back to asymptotic when there are ties or too many pairs.
        case exact
    }

    /// The largest `n1·n2` for which the exact distribution is computed.
    public static let maxExactPairCount = 2_500

    /// The U statistic of the first sample.
    public let u1: Double
    /// The two-sided p-value, in `0...1`.
    public let pValue: Double
    /// The method actually used: `.asymptotic` or `.exact`.
    public let method: Method
    /// Whether some values occur more than once in the combined samples.
    public let hasTies: Bool

    /// Runs the test; `nil` when a sample is empty or holds NaN.
    ///
    /// ```swift
    /// let p = MannWhitneyUTest(baseline, candidate, method: .asymptotic)?.pValue
    /// ```
    public init?(_ x: [Double], _ y: [Double], method requested: Method = .automatic) {
        guard !x.isEmpty, !y.isEmpty, !x.contains(where: \.isNaN), !y.contains(where: \.isNaN) else { return nil }
        let n1 = Double(x.count)
        let n2 = Double(y.count)
        let ranking = Self.rank(x, y)
        let u1 = ranking.rankSumOfFirst - n1 * (n1 + 1) / 2
        let u2 = n1 * n2 - u1
        let u = max(u1, u2)
        self.u1 = u1
        self.hasTies = ranking.tieTerm > 0

        let small = min(x.count, y.count) <= 8
        let exactIsFeasible = !hasTies && x.count * y.count <= Self.maxExactPairCount
        let useExact: Bool
        switch requested {
        case .automatic: useExact = small && exactIsFeasible
        case .exact: useExact = exactIsFeasible
        case .asymptotic: useExact = false
        }
        let oneSided: Double
        if useExact {
            oneSided = Self.exactSurvival(atLeast: Int(u.rounded()), x.count, y.count)
            method = .exact
        } else {
            let n = n1 + n2
            let s = (n1 * n2 / 12 * ((n + 1) - ranking.tieTerm / (n * (n - 1)))).squareRoot()
            let numerator = u - n1 * n2 / 2 - 0.5
            // All values tied: no spread, no evidence; SciPy gets z = -inf and p = 1 the same way.
            oneSided = s > 0 ? NormalDistribution.survival(numerator / s) : 1
            method = .asymptotic
        }
        pValue = min(max(2 * oneSided, 0), 1)
    }

    /// The rank sum of `x` in the combined sample (ties get their average rank) and `Σ(t³ - t)` over tie groups.
    private static func rank(_ x: [Double], _ y: [Double]) -> (rankSumOfFirst: Double, tieTerm: Double) {
        let combined = x.map { ($0, true) } + y.map { ($0, false) }
        let order = combined.indices.sorted { combined[$0].0 < combined[$1].0 }
        var rankSum = 0.0
        var tieTerm = 0.0
        var groupStart = 0
        while groupStart < order.count {
            var groupEnd = groupStart + 1
            while groupEnd < order.count, combined[order[groupEnd]].0 == combined[order[groupStart]].0 { groupEnd += 1 }
            // Ranks are 1-based: the group holds ranks groupStart+1 ... groupEnd.
            let averageRank = Double(groupStart + 1 + groupEnd) / 2
            for position in groupStart..<groupEnd where combined[order[position]].1 { rankSum += averageRank }
            let t = Double(groupEnd - groupStart)
            tieTerm += t * t * t - t
            groupStart = groupEnd
        }
        return (rankSum, tieTerm)
    }

    /// P(U >= u) under the null hypothesis, from the exact distribution of U for sizes `n1`, `n2`.
    ///
    /// Counts arrangements with the recurrence `c(m, n, u) = c(m-1, n, u-n) + c(m, n-1, u)` (the largest value
    /// of the combined order is either from the first sample, beating all `n` of the second, or not). The
    /// distribution is the same with the samples swapped, so the smaller one is the inner dimension: memory is
    /// about `large · small² / 2` counts and time about `(n1·n2)² / 4` additions.
    static func exactSurvival(atLeast u: Int, _ n1: Int, _ n2: Int) -> Double {
        let large = max(n1, n2)
        let small = min(n1, n2)
        guard small > 0, u > 0 else { return 1 }
        guard u <= large * small else { return 0 }
        // previous[n][v] = c(m-1, n, v); current[n][v] = c(m, n, v).
        var previous = [[Double]](repeating: [1], count: small + 1)  // m = 0: one arrangement, U = 0
        for m in 1...large {
            var current = [[Double]](repeating: [], count: small + 1)
            current[0] = [1]  // n = 0: one arrangement, U = 0
            for n in 1...small {
                var counts = [Double](repeating: 0, count: m * n + 1)
                for (v, count) in current[n - 1].enumerated() { counts[v] += count }
                for (v, count) in previous[n].enumerated() { counts[v + n] += count }
                current[n] = counts
            }
            previous = current
        }
        let distribution = previous[small]
        let total = distribution.reduce(0, +)
        let tail = distribution[u...].reduce(0, +)
        return tail / total
    }
}
