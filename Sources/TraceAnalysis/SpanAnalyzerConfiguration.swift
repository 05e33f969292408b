// SpanAnalyzerConfiguration: what the span analyzer derives, how its metrics are named, and its bounds.

import TraceMetrics

/// What a `SpanAnalyzer` derives and how its metrics are named.
///
/// The defaults follow OpenTelemetry's spanmetrics connector as Prometheus sees it, so its dashboards work:
/// `traces_span_metrics_calls_total{span_name,span_kind,status_code}` and
/// `traces_span_metrics_duration_seconds{span_name,span_kind,status_code}`, plus TraceKit's
/// `traces_span_metrics_self_time_seconds{span_name,span_kind}`.
///
/// ```swift
/// var configuration = SpanAnalyzerConfiguration()
/// configuration.dimensions = ["http.route"]       // becomes label http_route
/// configuration.prefix = "myapp_span_"
/// ```
public struct SpanAnalyzerConfiguration: Sendable {
    /// Duration buckets for spans of every layer, 1 µs to 60 s (`HistogramBuckets.spanSeconds`): spanmetrics'
    /// defaults (2 ms to 15 s) put every syscall in the first bucket, so its p95 read as about 2 ms, or 0.
    public static let defaultBuckets: [Double] = HistogramBuckets.spanSeconds

    /// Prefix of the generic span metrics.
    public var prefix: String = "traces_span_metrics_"
    /// Span attributes added as labels of the generic metrics (dots become underscores); a span without one
    /// gets an empty value.
    public var dimensions: [String] = []
    /// Buckets of the generic duration and self-time histograms, in seconds.
    public var durationBuckets: [Double] = SpanAnalyzerConfiguration.defaultBuckets
    /// Whether to derive the generic calls / duration / self-time metrics.
    public var derivesSpanMetrics = true
    /// Rules that derive named families (the seed's, by default).
    public var rules: [DerivationRule] = DerivationRule.seed
    /// Series per derived family before new label sets go to the overflow series.
    public var seriesLimit = 2_000
    /// Whether duration buckets carry the trace id and span id of their slowest span as an exemplar.
    public var exemplars = true
    /// Child intervals kept while waiting for their parent, for self time (bounds memory).
    public var maxPendingChildIntervals = 1_000_000

    /// The defaults.
    public init() {}
}
