// LatencyDiffOptions: the thresholds, significance level, correction and sample rules a latency diff decides with.

/// How a `LatencyDiff` decides: a change must be significant after correcting for the number of names compared,
/// and large enough both relative to the baseline median and in absolute time.
///
/// ```swift
/// var options = LatencyDiffOptions()
/// options.thresholdPercent = 10              // ignore changes of the median below 10%
/// options.minimumChangeNanoseconds = 50_000  // and below 50 µs
/// options.alpha = 0.01                       // and require an adjusted p < 0.01
/// ```
public struct LatencyDiffOptions: Hashable, Sendable {
    /// The default absolute floor: 10 µs. Between two runs of one workload on a busy machine, a 50 µs sleep moved
    /// by up to 7.6 µs and a 30 µs HTTP handler by up to 8.5 µs with nothing changed (Docs/Analysis.md), so smaller
    /// shifts cannot be told from a busier machine; for milliseconds and seconds the relative threshold is the
    /// larger of the two. Lower it for syscall-sized spans measured on a quiet machine.
    public static let defaultMinimumChangeNanoseconds: Double = 10_000

    /// The smallest relative change of the median, in percent, that can be called slower or faster.
    public var thresholdPercent: Double
    /// The smallest absolute change of the median, in nanoseconds, that can be called slower or faster.
    public var minimumChangeNanoseconds: Double
    /// The significance level: a change counts only when its adjusted Mann-Whitney p-value is below it.
    public var alpha: Double
    /// How p-values are adjusted for the number of names compared in one report.
    public var correction: MultipleComparisonCorrection
    /// The level of the confidence interval of the shift, for example 0.95.
    public var confidenceLevel: Double
    /// Fewer samples than this on either side gives `.insufficientData`.
    public var minimumSampleCount: Int
    /// How the p-value is computed.
    public var method: MannWhitneyUTest.Method

    /// Creates options; the defaults are a 5% and 10 µs threshold, alpha 0.05 after Holm's correction, a 95%
    /// interval and 5 samples per side.
    public init(
        thresholdPercent: Double = 5,
        minimumChangeNanoseconds: Double = LatencyDiffOptions.defaultMinimumChangeNanoseconds,
        alpha: Double = 0.05,
        correction: MultipleComparisonCorrection = .holm,
        confidenceLevel: Double = 0.95,
        minimumSampleCount: Int = 5,
        method: MannWhitneyUTest.Method = .automatic
    ) {
        self.thresholdPercent = thresholdPercent
        self.minimumChangeNanoseconds = minimumChangeNanoseconds
        self.alpha = alpha
        self.correction = correction
        self.confidenceLevel = confidenceLevel
        self.minimumSampleCount = minimumSampleCount
        self.method = method
    }
}
