// LatencyDiff: the comparison of one span name's durations between a baseline and a candidate.

/// How one span name's latency changed from a baseline to a candidate, and whether that is significant.
///
/// - Medians are exact medians of the samples (the mean of the middle two for an even count).
/// - `medianChange` is `(candidate median - baseline median) / baseline median`: `0.12` is 12% slower.
/// - The confidence interval is the Hodges-Lehmann one for the shift (see `HodgesLehmannShift`);
///   `relativeShiftInterval` divides it by the baseline median to put it on the same scale as `medianChange`.
/// - `pValue` is the two-sided Mann-Whitney U test (see `MannWhitneyUTest`); `adjustedPValue` is it adjusted for
///   the number of names a `LatencyDiffReport` compares (`options.correction`, Holm by default). A diff made on
///   its own is a family of one: the two are equal.
/// - Verdict: `.insufficientData` if a side has fewer than `minimumSampleCount` samples; otherwise `.slower` if
///   `adjustedPValue < alpha`, `medianChange >= thresholdPercent / 100` and the median grew by at least
///   `minimumChangeNanoseconds`; `.faster` likewise for a shrinking median; else `.unchanged`. Both the relative
///   and the absolute change must be large enough: 5% of a 2 µs syscall is 100 ns, which a busy machine moves by
///   itself, while 10 µs of a 3 s LLM call is nothing.
///
/// ```swift
/// let diff = LatencyDiff(name: "db.query", baseline: before, candidate: after)
/// print(diff.verdict, diff.medianChange ?? 0, diff.pValue ?? 1)
/// ```
public struct LatencyDiff: Hashable, Sendable {
    /// The span name compared.
    public let name: String
    /// Samples on the baseline side.
    public let baselineCount: Int
    /// Samples on the candidate side.
    public let candidateCount: Int
    /// The baseline median, `nil` without samples.
    public let baselineMedianNanoseconds: Double?
    /// The candidate median, `nil` without samples.
    public let candidateMedianNanoseconds: Double?
    /// The relative change of the median (0.12 = 12% slower), `nil` without samples or with a zero baseline.
    public let medianChange: Double?
    /// The Hodges-Lehmann shift, candidate minus baseline, `nil` without samples.
    public let shift: HodgesLehmannShift?
    /// The shift interval divided by the baseline median, `nil` when either is missing or the median is 0.
    public let relativeShiftInterval: ClosedRange<Double>?
    /// The two-sided Mann-Whitney U test, `nil` without samples.
    public let test: MannWhitneyUTest?
    /// The p-value of `test` adjusted for the names compared with it (`options.correction`), `nil` without a test
    /// or with too few samples (such a name is not part of the family).
    public private(set) var adjustedPValue: Double?
    /// The conclusion under the options used.
    public private(set) var verdict: LatencyVerdict

    /// The p-value of `test`, before any adjustment.
    public var pValue: Double? { test?.pValue }

    /// Whether the name has enough samples on both sides to be tested, and so belongs to the family adjusted.
    var isTestable: Bool { verdict != .insufficientData && test != nil }

    /// Compares two sets of durations (nanoseconds) of span `name`.
    ///
    /// ```swift
    /// let diff = LatencyDiff(name: "render", baseline: [10, 11, 12, 10, 11], candidate: [15, 16, 15, 17, 16])
    /// ```
    public init(
        name: String,
        baseline: [UInt64],
        candidate: [UInt64],
        options: LatencyDiffOptions = LatencyDiffOptions()
    ) {
        self.name = name
        baselineCount = baseline.count
        candidateCount = candidate.count
        let baselineMedian = Self.median(baseline)
        let candidateMedian = Self.median(candidate)
        baselineMedianNanoseconds = baselineMedian
        candidateMedianNanoseconds = candidateMedian
        if let before = baselineMedian, let after = candidateMedian, before > 0 {
            medianChange = (after - before) / before
        } else {
            medianChange = nil
        }
        shift = HodgesLehmannShift(baseline: baseline, candidate: candidate, confidenceLevel: options.confidenceLevel)
        if let interval = shift?.interval, let before = baselineMedian, before > 0 {
            relativeShiftInterval = (interval.lowerBound / before)...(interval.upperBound / before)
        } else {
            relativeShiftInterval = nil
        }
        test = MannWhitneyUTest(baseline.map(Double.init), candidate.map(Double.init), method: options.method)

        let minimum = max(1, options.minimumSampleCount)
        if baseline.count < minimum || candidate.count < minimum {
            verdict = .insufficientData
        } else {
            verdict = .unchanged
            decide(adjustedPValue: test?.pValue, options: options)
        }
    }

    /// Sets the adjusted p-value and the verdict it leads to; a name with too few samples keeps its verdict.
    mutating func decide(adjustedPValue p: Double?, options: LatencyDiffOptions) {
        guard verdict != .insufficientData else { return }
        adjustedPValue = p
        verdict = .unchanged
        guard let p, p < options.alpha, let change = medianChange, let before = baselineMedianNanoseconds,
            let after = candidateMedianNanoseconds
        else { return }
        let threshold = options.thresholdPercent / 100
        let floor = max(0, options.minimumChangeNanoseconds)
        if change >= threshold && after - before >= floor {
            verdict = .slower
        } else if change <= -threshold && before - after >= floor {
            verdict = .faster
        }
    }

    /// The exact median, `nil` for an empty sample.
    static func median(_ values: [UInt64]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[middle]) }
        return (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }
}
