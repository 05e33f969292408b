// MetricNaming: how swift-metrics labels and dimensions become TraceKit metric names and label names.

import TraceMetrics

/// Maps swift-metrics labels (`hb.requests`) and dimension keys (`http.route`) to Prometheus names.
///
/// Without a rule a label is sanitised (`http.server.request.duration` becomes `http_server_request_duration`, and a
/// timer gets `_seconds`); a rule renames the metric and its labels, so a library's metrics can carry the names a
/// dashboard expects.
///
/// ```swift
/// var naming = MetricNaming.hummingbird(prefix: "backend")
/// naming.rules["jobs.done"] = .init(name: "worker_jobs_total", labelNames: ["queue.name": "queue"])
/// ```
public struct MetricNaming: Sendable {
    /// How one swift-metrics label is renamed.
    public struct Rule: Sendable {
        /// The Prometheus metric name.
        public var name: String
        /// Dimension key to label name; keys not listed are sanitised.
        public var labelNames: [String: String]
        /// Dimension keys left out of the labels (their series are merged), for a schema with fewer labels.
        public var droppedDimensions: Set<String>
        /// Histogram buckets for recorders and timers of this label; `nil` uses the factory's default.
        public var buckets: [Double]?

        /// Creates a rule.
        public init(
            name: String, labelNames: [String: String] = [:], droppedDimensions: Set<String> = [],
            buckets: [Double]? = nil
        ) {
            self.name = name
            self.labelNames = labelNames
            self.droppedDimensions = droppedDimensions
            self.buckets = buckets
        }
    }

    /// Rules by swift-metrics label.
    public var rules: [String: Rule]
    /// swift-metrics labels not recorded at all (their handlers do nothing); not a conflict.
    public var ignoredLabels: Set<String>

    /// Creates a naming with the given rules.
    public init(rules: [String: Rule] = [:], ignoredLabels: Set<String> = []) {
        self.rules = rules
        self.ignoredLabels = ignoredLabels
    }

    /// Names for Hummingbird 2's `MetricsMiddleware`, mapped to the seed's backend names under `prefix`:
    /// `hb.requests` to `<prefix>_http_requests_total{method,path,status}` and `http.server.request.duration` to
    /// `<prefix>_http_request_duration_seconds{method,path}`, where `path` is the route pattern (`/apps/{id}`).
    /// These are the labels the span analyzer's seed rules derive from server spans, so a registry fed by the
    /// middleware and one derived from the same requests' spans have the same schema. `hb.request.errors` is
    /// ignored: with ``TraceKitHTTP``'s error-response middleware every failure reaches the metrics middleware as a
    /// response, so failures are the `status` >= 400 series of the request counter instead.
    ///
    /// ```swift
    /// MetricsSystem.bootstrap(TraceKitMetricsFactory(registry: registry, naming: .hummingbird(prefix: "backend")))
    /// ```
    public static func hummingbird(prefix: String = "backend") -> MetricNaming {
        let request = [
            "http.request.method": "method", "http.route": "path", "http.response.status_code": "status",
        ]
        return MetricNaming(
            rules: [
                "hb.requests": Rule(name: "\(prefix)_http_requests_total", labelNames: request),
                // The buckets of the same family derived from server spans, so live and derived series agree.
                "http.server.request.duration": Rule(
                    name: "\(prefix)_http_request_duration_seconds", labelNames: request,
                    droppedDimensions: ["http.response.status_code"], buckets: HistogramBuckets.httpSeconds),
                "http.server.active_requests": Rule(
                    name: "\(prefix)_http_active_requests", labelNames: ["http.request.method": "method"]),
            ], ignoredLabels: ["hb.request.errors"])
    }

    /// The metric name and labels for one swift-metrics handler.
    func resolve(
        label: String, dimensions: [(String, String)], isTimer: Bool
    ) -> (name: String, labels: [String: String], keptDimensions: Int, buckets: [Double]?) {
        let rule = rules[label]
        var name = rule?.name ?? PrometheusName.metric(label)
        if rule == nil, isTimer, !name.hasSuffix("_seconds") { name += "_seconds" }
        var labels: [String: String] = [:]
        var kept = 0
        for (key, value) in dimensions where rule?.droppedDimensions.contains(key) != true {
            labels[rule?.labelNames[key] ?? PrometheusName.label(key)] = value
            kept += 1
        }
        return (name, labels, kept, rule?.buckets)
    }
}
