// Tests that Mann-Whitney p-values match SciPy and Hodges-Lehmann intervals match brute-force enumeration.

import Testing
import TraceAnalysis

@Suite struct MannWhitneySciPyTests {
    static func logNormal(_ count: Int, median: Double, sigma: Double, seed: UInt64, roundTo unit: UInt64 = 1)
        -> [UInt64]
    {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let value = UInt64(generator.logNormal(median: median, sigma: sigma))
            return max(unit, (value / unit) * unit)
        }
    }

    static func uniform(_ count: Int, _ range: ClosedRange<UInt64>, seed: UInt64) -> [UInt64] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt64.random(in: range, using: &generator) }
    }

    static let cases: [ReferenceCase] = [
        ReferenceCase(
            label: "continuous, no ties", baseline: logNormal(30, median: 2e6, sigma: 0.5, seed: 1),
            candidate: logNormal(40, median: 2.4e6, sigma: 0.5, seed: 2), method: "asymptotic"),
        ReferenceCase(
            label: "heavy ties within and across samples", baseline: uniform(50, 1...10, seed: 3),
            candidate: uniform(60, 2...11, seed: 4), method: "asymptotic"),
        ReferenceCase(
            label: "large samples, 10% slower: tiny p", baseline: logNormal(2000, median: 1e6, sigma: 0.3, seed: 5),
            candidate: logNormal(2500, median: 1.1e6, sigma: 0.3, seed: 6), method: "asymptotic"),
        ReferenceCase(
            label: "same distribution", baseline: logNormal(300, median: 5e5, sigma: 1, seed: 7),
            candidate: logNormal(300, median: 5e5, sigma: 1, seed: 8), method: "asymptotic"),
        ReferenceCase(
            label: "durations rounded to ms: many ties",
            baseline: logNormal(200, median: 8e6, sigma: 0.6, seed: 9, roundTo: 1_000_000),
            candidate: logNormal(150, median: 7e6, sigma: 0.6, seed: 10, roundTo: 1_000_000), method: "asymptotic"),
        ReferenceCase(
            label: "everything tied", baseline: [5, 5, 5, 5, 5], candidate: [5, 5, 5], method: "asymptotic"),
        ReferenceCase(
            label: "auto with ties picks asymptotic", baseline: [10, 12, 12, 15, 20],
            candidate: [12, 18, 25, 25, 30, 31], method: "auto"),
        ReferenceCase(
            label: "exact, 5 vs 7", baseline: uniform(5, 1...1_000_000, seed: 11),
            candidate: uniform(7, 300_000...1_300_000, seed: 12), method: "exact"),
        ReferenceCase(
            label: "auto picks exact, 8 vs 6", baseline: [101, 105, 99, 110, 120, 98, 97, 115],
            candidate: [130, 125, 104, 140, 135, 128], method: "auto"),
        ReferenceCase(
            label: "exact, 3 vs 20, interleaved", baseline: [50, 150, 250],
            candidate: (1...20).map { UInt64($0) * 13 }, method: "exact"),
        ReferenceCase(
            label: "exact, 7 vs 350 (near the exact limit of 2,500 pairs)",
            baseline: uniform(7, 1...1_000_000_000, seed: 13),
            candidate: uniform(350, 1...1_100_000_000, seed: 14), method: "exact"),
        ReferenceCase(
            label: "exact, U at its mean: p clipped to 1", baseline: [1, 4], candidate: [2, 3], method: "exact"),
        ReferenceCase(
            label: "exact, complete separation", baseline: [1, 2, 3, 4], candidate: [5, 6, 7, 8, 9], method: "exact"),
    ]

    @Test(
        .enabled(
            if: SciPyReference.unavailableReason == nil || SciPyReference.isRequired,
            "python3 with scipy not available; set CI=true to make this a failure"))
    func pValuesAndShiftIntervalsMatchSciPyAndBruteForce() throws {
        if let reason = SciPyReference.unavailableReason {
            Issue.record("CI=true requires python3 with numpy and scipy for the SciPy reference check: \(reason)")
            return
        }
        let references = try SciPyReference.results(for: Self.cases)
        for (item, reference) in zip(Self.cases, references) {
            let method: MannWhitneyUTest.Method =
                switch item.method {
                case "exact": .exact
                case "auto": .automatic
                default: .asymptotic
                }
            let test = try #require(
                MannWhitneyUTest(item.baseline.map(Double.init), item.candidate.map(Double.init), method: method))
            #expect(test.u1 == reference.u1, "\(item.label)")
            let relative = abs(test.pValue - reference.pValue) / max(reference.pValue, Double.leastNormalMagnitude)
            #expect(relative <= 1e-9, "\(item.label): p \(test.pValue) vs SciPy \(reference.pValue)")

            let shift = try #require(
                HodgesLehmannShift(baseline: item.baseline, candidate: item.candidate, confidenceLevel: item.confidence)
            )
            #expect(shift.estimateNanoseconds == reference.hodgesLehmannEstimate, "\(item.label)")
            #expect(shift.interval == reference.hodgesLehmannInterval, "\(item.label)")
        }
        // The cases span the range the checks are meant to cover, so a broken comparison cannot pass quietly.
        #expect(references.contains { $0.pValue < 1e-20 })
        #expect(references.contains { $0.pValue == 1 })
        #expect(references.contains { $0.pValue > 0.1 && $0.pValue < 1 })
    }
}
