// Tests that Holm and Benjamini-Hochberg adjusted p-values match statsmodels and SciPy, in reports and alone.

import Foundation
import Testing
import TraceAnalysis

@Suite struct MultipleComparisonReferenceTests {
    /// Why statsmodels cannot run here, or `nil` when it can.
    static let unavailableReason: String? = {
        do {
            let result = try SciPyReference.run(["-c", "import statsmodels, scipy"])
            return result.status == 0 ? nil : "python3 cannot import statsmodels/scipy: \(result.stderr)"
        } catch {
            return "python3 not found (\(error))"
        }
    }()

    static var scriptPath: String {
        SciPyReference.scriptURL.deletingLastPathComponent().appendingPathComponent(
            "multiple_comparison_reference.py"
        ).path
    }

    /// statsmodels' Holm and BH adjustments and SciPy's BH, one entry per family.
    static func references(_ families: [[Double]]) throws -> [[String: [Double]]] {
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("tracekit-multitest-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["families": families]).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try SciPyReference.run([scriptPath, input.path])
        #expect(result.status == 0, "\(result.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return list.map { entry in entry.mapValues { ($0 as? [NSNumber])?.map(\.doubleValue) ?? [] } }
    }

    static func expectClose(_ actual: [Double], _ expected: [Double]?, _ label: String) {
        guard let expected, expected.count == actual.count else {
            Issue.record("\(label): reference has \(expected?.count ?? 0) values, TraceKit \(actual.count)")
            return
        }
        for (a, e) in zip(actual, expected) {
            #expect(abs(a - e) <= 1e-12 * max(e, 1e-300), "\(label): \(a) vs reference \(e)")
        }
    }

    /// A report over 15 span names: 10 unchanged, 5 shifted by 2% to 40%, with real Mann-Whitney p-values.
    static func report(_ correction: MultipleComparisonCorrection) -> LatencyDiffReport {
        var before = LatencySamples()
        var after = LatencySamples()
        let shifts = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.02, 1.05, 1.1, 1.2, 1.4]
        for (index, shift) in shifts.enumerated() {
            let name = "name\(index)"
            let seed = UInt64(100 + 2 * index)
            for value in LatencyDiffTests.logNormal(150, median: 1e6, seed: seed) {
                before.add(durationNanoseconds: value, named: name)
            }
            for value in LatencyDiffTests.logNormal(150, median: 1e6 * shift, seed: seed + 1) {
                after.add(durationNanoseconds: value, named: name)
            }
        }
        return LatencyDiffReport(
            baseline: before, candidate: after, options: LatencyDiffOptions(correction: correction))
    }

    @Test(
        .enabled(
            if: unavailableReason == nil || SciPyReference.isRequired,
            "python3 with statsmodels not available; set CI=true to make this a failure"))
    func adjustedPValuesMatchStatsmodelsAndSciPy() throws {
        if let reason = Self.unavailableReason {
            Issue.record("CI=true requires python3 with statsmodels and scipy (Scripts/ensure-tools.sh): \(reason)")
            return
        }
        var generator = SeededGenerator(seed: 77)
        let uniform = (0..<30).map { _ in Double.random(in: 0..<1, using: &generator) }
        let small = (0..<12).map { _ in pow(10, -Double.random(in: 0..<12, using: &generator)) }
        let families: [[Double]] = [
            uniform,
            small,
            [0.01, 0.04, 0.03, 0.04, 0.2, 0.2, 0.0, 1.0, 1e-300],  // ties, both ends, a subnormal-adjacent value
            [0.049, 0.048, 0.047, 0.046, 0.045],  // all just below alpha: Holm keeps none, BH keeps all
            [0.3],
        ]
        let references = try Self.references(families)
        try #require(references.count == families.count)
        for (index, (family, reference)) in zip(families, references).enumerated() {
            Self.expectClose(
                MultipleComparisonCorrection.holm.adjusted(family), reference["holm"], "family \(index) holm")
            Self.expectClose(
                MultipleComparisonCorrection.benjaminiHochberg.adjusted(family), reference["bh"], "family \(index) bh")
            Self.expectClose(
                MultipleComparisonCorrection.benjaminiHochberg.adjusted(family), reference["bh_scipy"],
                "family \(index) bh (scipy)")
        }

        // In a report, the family is the names with enough samples, and each adjusted p-value is the reference's.
        for correction in [MultipleComparisonCorrection.holm, .benjaminiHochberg] {
            let report = Self.report(correction)
            let raw = report.diffs.compactMap(\.pValue)
            try #require(raw.count == 15)
            let reference = try #require(try Self.references([raw]).first)
            Self.expectClose(
                report.diffs.compactMap(\.adjustedPValue), reference[correction == .holm ? "holm" : "bh"],
                "report \(correction)")
            // The family spans the range: some names stay significant after adjustment, some only before.
            #expect(report.diffs.contains { ($0.adjustedPValue ?? 1) < 1e-6 })
            #expect(report.diffs.contains { ($0.pValue ?? 1) < 0.05 && ($0.adjustedPValue ?? 0) >= 0.05 })
        }
    }
}
