// The errors a metrics registry throws, each saying what went wrong and what to do about it.

/// An error from registering a metric or binding a label set.
///
/// Every case names the metric involved, so the message says what to fix:
///
/// ```swift
/// do {
///     _ = try registry.gauge("jobs_total", help: "Jobs.")
/// } catch {
///     print(error)  // metric 'jobs_total' is already registered as counter; ...
/// }
/// ```
public enum MetricsRegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The metric name does not match `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    case invalidMetricName(String)
    /// The label name does not match `[a-zA-Z_][a-zA-Z0-9_]*`, starts with `__`, or is reserved for the type.
    case invalidLabelName(metric: String, label: String)
    /// The same label name was given twice.
    case duplicateLabelName(metric: String, label: String)
    /// A unit was given but the metric name does not end with `_<unit>` (OpenMetrics requires it).
    case unitNotInName(metric: String, unit: String)
    /// The name is taken by a metric of another type.
    case typeConflict(metric: String, registered: MetricType, requested: MetricType)
    /// The name is taken by a counter of the other kind (integer versus floating).
    case seriesKindConflict(metric: String, registered: String, requested: String)
    /// The name is taken by a metric with other label names.
    case labelNamesConflict(metric: String, registered: [String], requested: [String])
    /// The name is taken by a histogram with other buckets, or a summary with other quantiles or accuracy.
    case bucketsConflict(metric: String)
    /// The name is taken by a metric with another unit.
    case unitConflict(metric: String, registered: String, requested: String)
    /// One of the sample names this metric writes (`_total`, `_bucket`, `_created`, ...) is written by another.
    case sampleNameCollision(metric: String, sampleName: String, otherMetric: String)
    /// Histogram bucket bounds must be finite, strictly increasing and at least one.
    case invalidBuckets(metric: String, reason: String)
    /// Summary quantiles must lie in [0, 1]; the relative accuracy in (0, 1).
    case invalidSummaryConfiguration(metric: String, reason: String)
    /// The label set given to `labels(_:)` does not have exactly the family's label names.
    case labelSetMismatch(metric: String, expected: [String], given: [String])
    /// An exemplar's label names and values together exceed 128 UTF-8 characters (OpenMetrics limit),
    /// or a label name is invalid.
    case invalidExemplar(reason: String)

    public var description: String {
        switch self {
        case .invalidMetricName(let name):
            return "invalid metric name '\(name)': use letters, digits, '_' and ':', not starting with a digit"
        case .invalidLabelName(let metric, let label):
            return "invalid label name '\(label)' for metric '\(metric)': use letters, digits and '_', "
                + "not starting with a digit or '__'; 'le' and 'quantile' are reserved for histograms and summaries"
        case .duplicateLabelName(let metric, let label):
            return "label name '\(label)' is given twice for metric '\(metric)'"
        case .unitNotInName(let metric, let unit):
            return "metric '\(metric)' has unit '\(unit)' but its name does not end with '_\(unit)'; rename it"
        case .typeConflict(let metric, let registered, let requested):
            return "metric '\(metric)' is already registered as \(registered); cannot register it as \(requested)"
        case .seriesKindConflict(let metric, let registered, let requested):
            return "metric '\(metric)' is already registered as \(registered); cannot register it as \(requested)"
        case .labelNamesConflict(let metric, let registered, let requested):
            return "metric '\(metric)' is already registered with labels \(registered); requested \(requested)"
        case .bucketsConflict(let metric):
            return "metric '\(metric)' is already registered with other buckets or quantiles"
        case .unitConflict(let metric, let registered, let requested):
            return "metric '\(metric)' is already registered with unit '\(registered)'; requested '\(requested)'"
        case .sampleNameCollision(let metric, let sampleName, let otherMetric):
            return "metric '\(metric)' would write samples named '\(sampleName)', which metric '\(otherMetric)' "
                + "already writes; choose another name"
        case .invalidBuckets(let metric, let reason):
            return "invalid buckets for histogram '\(metric)': \(reason)"
        case .invalidSummaryConfiguration(let metric, let reason):
            return "invalid summary '\(metric)': \(reason)"
        case .labelSetMismatch(let metric, let expected, let given):
            return "metric '\(metric)' takes labels \(expected); given \(given)"
        case .invalidExemplar(let reason):
            return "invalid exemplar: \(reason)"
        }
    }
}
