// MultipleComparisonCorrection: adjusts the p-values of a family of tests (one per span name) for their number.

/// How a latency diff accounts for testing many span names at once.
///
/// Testing 20 names at alpha 0.05 finds a "significant" change in one of them about two times in three when
/// nothing changed. An adjustment turns each name's p-value into one that can be compared with alpha directly:
///
/// - `.holm` (the default) controls the family-wise error rate: the chance that *any* name is called changed when
///   it did not stays below alpha, whatever the dependence between names (a parent span contains its children,
///   so their durations move together). Holm's step-down procedure: sort the `m` p-values, multiply the `i`-th
///   smallest (from 1) by `m - i + 1`, make the sequence non-decreasing, cap at 1.
/// - `.benjaminiHochberg` controls the false discovery rate: among the names called changed, the expected share
///   of wrong ones stays below alpha (for independent or positively dependent tests). Step-up: the `i`-th smallest
///   times `m / i`, made non-increasing from the largest down, capped at 1. More names pass when many changed.
/// - `.none` leaves p-values as they are (benchstat's behaviour).
///
/// ```swift
/// MultipleComparisonCorrection.holm.adjusted([0.01, 0.04, 0.03])   // [0.03, 0.06, 0.06]
/// ```
public enum MultipleComparisonCorrection: String, Hashable, Sendable, CaseIterable {
    /// Holm-Bonferroni: family-wise error rate.
    case holm
    /// Benjamini-Hochberg: false discovery rate.
    case benjaminiHochberg = "bh"
    /// No adjustment.
    case none

    /// The adjusted p-values, in the order given. NaN counts as 1.
    ///
    /// ```swift
    /// MultipleComparisonCorrection.benjaminiHochberg.adjusted([0.01, 0.04, 0.03])   // [0.03, 0.04, 0.04]
    /// ```
    public func adjusted(_ pValues: [Double]) -> [Double] {
        let values = pValues.map { $0.isNaN ? 1 : min(1, max(0, $0)) }
        let count = values.count
        guard count > 1, self != .none else { return values }
        // Ascending, ties in input order, so the result does not depend on how a sort breaks ties.
        let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
        var result = values
        switch self {
        case .holm:
            var running = 0.0
            for (rank, index) in order.enumerated() {
                running = max(running, min(1, Double(count - rank) * values[index]))
                result[index] = running
            }
        case .benjaminiHochberg:
            var running = 1.0
            for rank in order.indices.reversed() {
                let index = order[rank]
                running = min(running, min(1, values[index] * Double(count) / Double(rank + 1)))
                result[index] = running
            }
        case .none:
            break
        }
        return result
    }
}
