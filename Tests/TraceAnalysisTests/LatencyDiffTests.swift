// Tests that latency diffs find significant changes beyond the threshold, cap samples, and render a report.

import Testing
import TraceAnalysis
import TraceKit

@Suite struct LatencyDiffTests {
    static func logNormal(_ count: Int, median: Double, seed: UInt64, sigma: Double = 0.4) -> [UInt64] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt64(generator.logNormal(median: median, sigma: sigma)) }
    }

    @Test func clearSlowdownBeyondThresholdIsSlower() throws {
        let diff = LatencyDiff(
            name: "db.query", baseline: Self.logNormal(200, median: 1e6, seed: 1),
            candidate: Self.logNormal(200, median: 1.3e6, seed: 2))
        #expect(diff.verdict == .slower)
        let change = try #require(diff.medianChange)
        #expect(change > 0.2 && change < 0.4)
        let p = try #require(diff.pValue)
        #expect(p < 1e-6)
        let interval = try #require(diff.relativeShiftInterval)
        #expect(interval.lowerBound > 0.1 && interval.upperBound < 0.5)
        #expect(interval.contains(try #require(diff.shift?.estimateNanoseconds) / 1e6))
    }

    @Test func clearSpeedupIsFaster() {
        let diff = LatencyDiff(
            name: "render", baseline: Self.logNormal(100, median: 5e6, seed: 3),
            candidate: Self.logNormal(100, median: 3e6, seed: 4))
        #expect(diff.verdict == .faster)
        #expect((diff.medianChange ?? 0) < -0.3)
    }

    @Test func significantChangeBelowThresholdIsUnchanged() throws {
        let baseline = Self.logNormal(20_000, median: 1e6, seed: 5, sigma: 0.1)
        let candidate = Self.logNormal(20_000, median: 1.02e6, seed: 6, sigma: 0.1)
        let diff = LatencyDiff(name: "x", baseline: baseline, candidate: candidate)
        #expect(try #require(diff.pValue) < 0.05)
        #expect(try #require(diff.medianChange) < 0.05)
        #expect(diff.verdict == .unchanged)
        // With a 1% threshold the same data is a slowdown.
        let strict = LatencyDiff(
            name: "x", baseline: baseline, candidate: candidate, options: LatencyDiffOptions(thresholdPercent: 1))
        #expect(strict.verdict == .slower)
    }

    @Test func noiseFromTheSameDistributionIsUnchanged() throws {
        let diff = LatencyDiff(
            name: "x", baseline: Self.logNormal(500, median: 2e6, seed: 7),
            candidate: Self.logNormal(500, median: 2e6, seed: 8))
        #expect(try #require(diff.pValue) > 0.05)
        #expect(diff.verdict == .unchanged)
        let interval = try #require(diff.relativeShiftInterval)
        #expect(interval.contains(0))
    }

    @Test func tooFewSamplesIsInsufficientData() {
        let diff = LatencyDiff(name: "x", baseline: [1, 2, 3, 4], candidate: [100, 200, 300, 400, 500])
        #expect(diff.verdict == .insufficientData)
        // The numbers are still computed; only the verdict abstains.
        #expect(diff.baselineMedianNanoseconds == 2.5)
        #expect(diff.candidateMedianNanoseconds == 300)
        #expect(abs((diff.pValue ?? 0) - 2.0 / 126.0) < 1e-15)
    }

    @Test func exactPValueOfCompleteSeparationIsTwoOverBinomial() throws {
        // 4 vs 5 values, all of one side below the other: one arrangement of C(9, 4) = 126 per tail.
        let test = try #require(MannWhitneyUTest([1, 2, 3, 4], [5, 6, 7, 8, 9]))
        #expect(test.method == .exact)
        #expect(test.u1 == 0)
        #expect(abs(test.pValue - 2.0 / 126.0) < 1e-15)
        // Ties force the normal approximation even for tiny samples.
        #expect(MannWhitneyUTest([1, 2, 2], [2, 3, 4])?.method == .asymptotic)
        #expect(MannWhitneyUTest([], [1]) == nil)
        #expect(MannWhitneyUTest([.nan], [1]) == nil)
    }

    @Test func asymptoticPValueWithTiesMatchesTheWorkedExample() throws {
        // Docs/Analysis.md works this through: U1 = 10.5, three tie groups of two, z = 2.95145; the expected p is
        // scipy.stats.mannwhitneyu(x, y, method="asymptotic") pasted here, so this runs without Python too.
        let x: [Double] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]
        let y: [Double] = [14, 16, 18, 20, 22, 24, 26, 28, 30, 32]
        let test = try #require(MannWhitneyUTest(x, y, method: .asymptotic))
        #expect(test.u1 == 10.5)
        #expect(test.hasTies)
        #expect(abs(test.pValue - 0.0031628218975971976) <= 1e-12 * 0.0031628218975971976)
        // Automatic would also pick the normal approximation: both samples have more than 8 values.
        #expect(MannWhitneyUTest(x, y)?.method == .asymptotic)
    }

    @Test func hodgesLehmannShiftIsTheMedianPairwiseDifference() throws {
        let shift = try #require(HodgesLehmannShift(baseline: [100, 110, 120], candidate: [130, 140, 150]))
        #expect(shift.estimateNanoseconds == 30)
        // 3 x 3 pairs are too few for a 95% interval.
        #expect(shift.interval == nil)
        let wide = try #require(
            HodgesLehmannShift(baseline: Array(1...20), candidate: Array(11...30), confidenceLevel: 0.95))
        #expect(wide.estimateNanoseconds == 10)
        let interval = try #require(wide.interval)
        #expect(interval.lowerBound < 10 && interval.upperBound > 10)
    }

    @Test func reportCoversNamesOfBothSidesAndFailsOnlyOnSlowdown() {
        var before = LatencySamples()
        var after = LatencySamples()
        for value in Self.logNormal(100, median: 1e6, seed: 9) {
            before.add(durationNanoseconds: value, named: "query")
        }
        for value in Self.logNormal(100, median: 2e6, seed: 10) {
            after.add(durationNanoseconds: value, named: "query")
        }
        for value in Self.logNormal(100, median: 5e5, seed: 11) {
            before.add(durationNanoseconds: value, named: "parse")
        }
        for value in Self.logNormal(100, median: 5e5, seed: 12) {
            after.add(durationNanoseconds: value, named: "parse")
        }
        after.add(durationNanoseconds: 42, named: "new")
        let report = LatencyDiffReport(baseline: before, candidate: after)
        #expect(report.diffs.map(\.name) == ["new", "parse", "query"])
        #expect(report.diffs.map(\.verdict) == [.insufficientData, .unchanged, .slower])
        #expect(report.hasSignificantSlowdown)
        #expect(report.slowdowns.map(\.name) == ["query"])

        let calm = LatencyDiffReport(baseline: before, candidate: before)
        #expect(!calm.hasSignificantSlowdown)
        #expect(calm.diffs.allSatisfy { $0.pValue == 1 })
    }

    @Test func reportRendersAnAlignedTable() throws {
        var before = LatencySamples()
        var after = LatencySamples()
        for value in [10, 11, 12, 13, 14] as [UInt64] { before.add(durationNanoseconds: value * 1_000_000, named: "q") }
        for value in [20, 21, 22, 23, 24] as [UInt64] { after.add(durationNanoseconds: value * 1_000_000, named: "q") }
        let lines = LatencyDiffReport(baseline: before, candidate: after).renderText().split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == "name  baseline  candidate  change  95% CI of shift    p      p (Holm)  verdict")
        // Exact test: complete separation of 5 vs 5 gives p = 2/252 = 0.0079. Pairwise differences are 6..14 ms
        // with k = ⌊12.5 - 1.96·√(25·11/12)⌋ = 3, so the interval is [D(3), D(23)] = [7, 13] ms over a 12 ms median.
        // One name is a family of one: the adjusted p-value is the p-value.
        #expect(lines[1] == "q     12.000ms  22.000ms   +83.3%  [+58.3%, +108.3%]  0.008  0.008     slower")
    }

    @Test func holmAndBenjaminiHochbergAdjustAsTheWorkedExampleSays() {
        // Docs/Analysis.md: p = 0.01, 0.04, 0.03. Holm: 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, 1 x 0.04 = 0.04 raised to
        // 0.06 (step-down, never below an earlier one). BH: 0.04 x 3/3 = 0.04, 0.03 x 3/2 = 0.045 lowered to 0.04,
        // 0.01 x 3/1 = 0.03.
        let p = [0.01, 0.04, 0.03]
        let holm = MultipleComparisonCorrection.holm.adjusted(p)
        let bh = MultipleComparisonCorrection.benjaminiHochberg.adjusted(p)
        for (actual, expected) in zip(holm, [0.03, 0.06, 0.06]) { #expect(abs(actual - expected) < 1e-15) }
        for (actual, expected) in zip(bh, [0.03, 0.04, 0.04]) { #expect(abs(actual - expected) < 1e-15) }
        #expect(MultipleComparisonCorrection.none.adjusted(p) == p)
        #expect(MultipleComparisonCorrection.holm.adjusted([0.6, 0.7]) == [1, 1])
        #expect(MultipleComparisonCorrection.holm.adjusted([.nan, 0.01]) == [1, 0.02])
        #expect(MultipleComparisonCorrection.holm.adjusted([]) == [])
    }

    /// Twenty names, nineteen drawn from one distribution on both sides and one (`drifted`) whose candidate is 8%
    /// slower: significant on its own (p about 0.01), not once twenty names are compared.
    static func twentyNames() -> (LatencySamples, LatencySamples) {
        var before = LatencySamples()
        var after = LatencySamples()
        for index in 0..<20 {
            let name = index == 0 ? "drifted" : "same\(index)"
            let seed = UInt64(1_000 + 2 * index)
            for value in logNormal(300, median: 2e6, seed: seed) { before.add(durationNanoseconds: value, named: name) }
            for value in logNormal(300, median: index == 0 ? 2.16e6 : 2e6, seed: seed + 1) {
                after.add(durationNanoseconds: value, named: name)
            }
        }
        return (before, after)
    }

    @Test func aSlowdownSignificantOnlyBeforeCorrectingForTwentyNamesIsNoAlarm() throws {
        let (before, after) = Self.twentyNames()
        let report = LatencyDiffReport(baseline: before, candidate: after)
        let drifted = try #require(report.diffs.first { $0.name == "drifted" })
        let p = try #require(drifted.pValue)
        #expect(p < 0.05 && p > 0.0025, "p \(p): meant to be significant alone but not after 20 comparisons")
        #expect(try #require(drifted.medianChange) >= 0.05)
        #expect(try #require(drifted.adjustedPValue) >= 0.05)
        #expect(drifted.verdict == .unchanged)
        #expect(report.slowdowns.map(\.name) == [])
        // Without the correction the same data fails CI, as every diff of many names did before.
        let uncorrected = LatencyDiffReport(
            baseline: before, candidate: after, options: LatencyDiffOptions(correction: .none))
        #expect(uncorrected.slowdowns.map(\.name) == ["drifted"])
        // A clear slowdown survives the correction.
        var slower = after
        for value in Self.logNormal(300, median: 2.6e6, seed: 5) {
            slower.add(durationNanoseconds: value, named: "same7")
        }
        #expect(LatencyDiffReport(baseline: before, candidate: slower).slowdowns.map(\.name) == ["same7"])
    }

    @Test func aChangeMustReachBothTheRelativeAndTheAbsoluteThreshold() throws {
        // A 2 µs syscall 20% slower: 400 ns, under the 10 µs floor, so unchanged by default.
        let syscallBefore = Self.logNormal(2_000, median: 2_000, seed: 21, sigma: 0.1)
        let syscallAfter = Self.logNormal(2_000, median: 2_400, seed: 22, sigma: 0.1)
        let syscall = LatencyDiff(name: "read", baseline: syscallBefore, candidate: syscallAfter)
        #expect(try #require(syscall.pValue) < 1e-10)
        #expect(try #require(syscall.medianChange) > 0.15)
        #expect(syscall.verdict == .unchanged)
        // With a lower floor it is a slowdown, and the other way round a speedup.
        let fine = LatencyDiffOptions(minimumChangeNanoseconds: 100)
        #expect(
            LatencyDiff(name: "read", baseline: syscallBefore, candidate: syscallAfter, options: fine).verdict
                == .slower)
        #expect(
            LatencyDiff(name: "read", baseline: syscallAfter, candidate: syscallBefore, options: fine).verdict
                == .faster)
        #expect(LatencyDiff(name: "read", baseline: syscallAfter, candidate: syscallBefore).verdict == .unchanged)

        // A 2 s LLM call 3% slower is 60 ms, far above the floor, but under the 5% threshold; 10% is a slowdown.
        let llmBefore = Self.logNormal(2_000, median: 2e9, seed: 23, sigma: 0.1)
        let llmSlightly = LatencyDiff(
            name: "llm_call", baseline: llmBefore,
            candidate: Self.logNormal(2_000, median: 2.06e9, seed: 24, sigma: 0.1))
        #expect(try #require(llmSlightly.pValue) < 1e-6)
        #expect(llmSlightly.verdict == .unchanged)
        let llmSlower = LatencyDiff(
            name: "llm_call", baseline: llmBefore, candidate: Self.logNormal(2_000, median: 2.2e9, seed: 24, sigma: 0.1)
        )
        #expect(llmSlower.verdict == .slower)
    }

    @Test func samplesPastTheCapacityAreAUniformSeededReservoir() {
        var samples = LatencySamples(capacityPerName: 1000, seed: 1)
        var again = LatencySamples(capacityPerName: 1000, seed: 1)
        var otherSeed = LatencySamples(capacityPerName: 1000, seed: 2)
        for value in UInt64(0)..<200_000 {
            samples.add(durationNanoseconds: value, named: "n")
            again.add(durationNanoseconds: value, named: "n")
            otherSeed.add(durationNanoseconds: value, named: "n")
        }
        let kept = samples.samples(named: "n")
        #expect(kept.count == 1000)
        #expect(samples.seenCount(named: "n") == 200_000)
        #expect(kept == again.samples(named: "n"))
        #expect(kept != otherSeed.samples(named: "n"))
        // Uniform over 0..<200,000: mean 100,000, standard error about 1,826 for 1000 draws.
        let mean = Double(kept.reduce(0, +)) / Double(kept.count)
        #expect(abs(mean - 100_000) < 8_000)
        #expect(kept.filter { $0 < 100_000 }.count > 400 && kept.filter { $0 < 100_000 }.count < 600)
    }

    @Test func spansAreSampledUnderTheirName() {
        var samples = LatencySamples()
        samples.add(
            SpanRecord(
                traceID: TraceID(high: 1, low: 1), spanID: SpanID(rawValue: 1), name: "open",
                startUnixNanoseconds: 0, durationNanoseconds: 777))
        #expect(samples.names == ["open"])
        #expect(samples.samples(named: "open") == [777])
        #expect(samples.samples(named: "missing").isEmpty)
    }
}
