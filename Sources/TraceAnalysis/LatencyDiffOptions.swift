// LatencyDiffOptions: the threshold, significance level and sample rules a latency diff decides with.

/// How a `LatencyDiff` decides: a change must be both significant and large enough to count.
///
/// ```swift
/// var options = LatencyDiffOptions()
/// options.thresholdPercent = 10   // ignore changes of the median below 10%
/// options.alpha = 0.01            // and require p < 0.01
/// ```
public struct LatencyDiffOptions: Hashable, Sendable {
    /// The smallest relative change of the median, in percent, that can be called slower or faster.
    public var thresholdPercent: Double
    /// The significance level: a change counts only when the Mann-Whitney p-value is below it.
    public var alpha: Double
    /// The level of the confidence interval of the shift, for example 0.95.
    public var confidenceLevel: Double
    /// Fewer samples than this on either side gives `.insufficientData`.
    public var minimumSampleCount: Int
    /// How the p-value is computed.
    public var method: MannWhitneyUTest.Method

    /// Creates options; the defaults are a 5% threshold, alpha 0.05, a 95% interval and 5 samples per side.
    public init(
        thresholdPercent: Double = 5,
        alpha: Double = 0.05,
        confidenceLevel: Double = 0.95,
        minimumSampleCount: Int = 5,
        method: MannWhitneyUTest.Method = .automatic
    ) {
        self.thresholdPercent = thresholdPercent
        self.alpha = alpha
        self.confidenceLevel = confidenceLevel
        self.minimumSampleCount = minimumSampleCount
        self.method = method
    }
}
