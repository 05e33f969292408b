// Registration rules: label order, validation, conflicts, re-registration and the series limit.

import Testing
import TraceMetrics

@Suite("Metrics registry")
struct RegistryTests {
    @Test("a label set names the same series whatever order its labels are given in")
    func labelOrderDoesNotMatter() throws {
        let registry = MetricsRegistry(clock: .fixed(1))
        let family = try registry.counterFamily("requests_total", help: "R.", labelNames: ["status", "method", "path"])
        let first = try family.labels(["method": "GET", "path": "/", "status": "200"])
        let second = try family.labels(["status": "200", "method": "GET", "path": "/"])
        #expect(first === second)
        first.increment()
        second.increment(by: 2)
        #expect(first.value == 3)
        #expect(family.labelNames == ["method", "path", "status"])
        #expect(registry.exposition().contains("requests_total{method=\"GET\",path=\"/\",status=\"200\"} 3\n"))
    }

    @Test("canonically equivalent but differently encoded label values are two series")
    func labelValuesCompareByBytes() throws {
        let registry = MetricsRegistry()
        let family = try registry.counterFamily("names_total", help: "N.", labelNames: ["name"])
        let precomposed = try family.labels(["name": "\u{E9}"])
        let decomposed = try family.labels(["name": "e\u{301}"])
        #expect(precomposed !== decomposed)
    }

    @Test("invalid metric and label names are rejected with a typed error")
    func invalidNamesThrow() {
        let registry = MetricsRegistry()
        #expect(throws: MetricsRegistryError.invalidMetricName("1abc")) { try registry.counter("1abc", help: "") }
        #expect(throws: MetricsRegistryError.invalidMetricName("a-b")) { try registry.gauge("a-b", help: "") }
        #expect(throws: MetricsRegistryError.invalidMetricName("")) { try registry.gauge("", help: "") }
        #expect(throws: MetricsRegistryError.invalidMetricName("_total")) { try registry.counter("_total", help: "") }
        #expect(throws: MetricsRegistryError.invalidLabelName(metric: "g", label: "__reserved")) {
            try registry.gaugeFamily("g", help: "", labelNames: ["__reserved"])
        }
        #expect(throws: MetricsRegistryError.invalidLabelName(metric: "g", label: "a.b")) {
            try registry.gaugeFamily("g", help: "", labelNames: ["a.b"])
        }
        #expect(throws: MetricsRegistryError.invalidLabelName(metric: "h", label: "le")) {
            try registry.histogramFamily("h", help: "", labelNames: ["le"])
        }
        #expect(throws: MetricsRegistryError.invalidLabelName(metric: "s", label: "quantile")) {
            try registry.summaryFamily("s", help: "", labelNames: ["quantile"])
        }
        #expect(throws: MetricsRegistryError.duplicateLabelName(metric: "g", label: "a")) {
            try registry.gaugeFamily("g", help: "", labelNames: ["a", "a"])
        }
        #expect(throws: MetricsRegistryError.unitNotInName(metric: "latency", unit: "seconds")) {
            try registry.histogram("latency", help: "", unit: "seconds")
        }
        #expect(registry.familyNames.isEmpty)
    }

    @Test("valid names with colons, digits and underscores are accepted")
    func validNamesAccepted() throws {
        let registry = MetricsRegistry()
        _ = try registry.gauge("job:rate5m_2", help: "")
        _ = try registry.gaugeFamily("_private", help: "", labelNames: ["_x1", "a_B"])
        #expect(registry.familyNames == ["_private", "job:rate5m_2"])
    }

    @Test("registering the same metric again returns the same family and series")
    func sameRegistrationReturnsSameMetric() throws {
        let registry = MetricsRegistry()
        let first = try registry.counter("jobs_total", help: "Jobs.")
        let again = try registry.counter("jobs_total", help: "Jobs.")
        let withoutSuffix = try registry.counter("jobs", help: "Jobs.")
        #expect(first === again)
        #expect(first === withoutSuffix)
        let histogram = try registry.histogramFamily("h_seconds", help: "", unit: "seconds", labelNames: ["a", "b"])
        let histogramAgain = try registry.histogramFamily(
            "h_seconds", help: "", unit: "seconds", labelNames: ["b", "a"])
        #expect(histogram === histogramAgain)
    }

    @Test("re-registering a name as another type, labels, unit or buckets throws and keeps the first")
    func conflictingRegistrationThrows() throws {
        let registry = MetricsRegistry()
        let counter = try registry.counterFamily("jobs_total", help: "Jobs.", labelNames: ["queue"])
        #expect(throws: MetricsRegistryError.typeConflict(metric: "jobs", registered: .counter, requested: .histogram))
        {
            try registry.histogram("jobs", help: "")
        }
        #expect(
            throws: MetricsRegistryError.labelNamesConflict(metric: "jobs", registered: ["queue"], requested: ["kind"])
        ) {
            try registry.counterFamily("jobs_total", help: "Jobs.", labelNames: ["kind"])
        }
        #expect(
            throws: MetricsRegistryError.seriesKindConflict(
                metric: "jobs", registered: "integer counter", requested: "floating counter")
        ) {
            try registry.floatingCounterFamily("jobs_total", help: "Jobs.", labelNames: ["queue"])
        }
        _ = try registry.histogram("wait_seconds", help: "", unit: "seconds", buckets: [0.1, 1])
        #expect(throws: MetricsRegistryError.bucketsConflict(metric: "wait_seconds")) {
            try registry.histogram("wait_seconds", help: "", unit: "seconds", buckets: [0.1, 2])
        }
        #expect(throws: MetricsRegistryError.unitConflict(metric: "wait_seconds", registered: "seconds", requested: ""))
        {
            try registry.histogram("wait_seconds", help: "", buckets: [0.1, 1])
        }
        _ = try registry.summary("size_bytes", help: "", unit: "bytes", quantiles: [0.5])
        #expect(throws: MetricsRegistryError.bucketsConflict(metric: "size_bytes")) {
            try registry.summary("size_bytes", help: "", unit: "bytes", quantiles: [0.9])
        }
        #expect(try registry.counterFamily("jobs_total", help: "Jobs.", labelNames: ["queue"]) === counter)
    }

    @Test("names whose samples would collide with another family's samples are rejected")
    func sampleNameCollisionsThrow() throws {
        let registry = MetricsRegistry()
        _ = try registry.histogram("rpc", help: "")
        #expect(
            throws: MetricsRegistryError.sampleNameCollision(
                metric: "rpc_count", sampleName: "rpc_count", otherMetric: "rpc")
        ) {
            try registry.gauge("rpc_count", help: "")
        }
        _ = try registry.gauge("events_total", help: "")
        #expect(
            throws: MetricsRegistryError.sampleNameCollision(
                metric: "events", sampleName: "events_total", otherMetric: "events_total")
        ) {
            try registry.counter("events", help: "")
        }
        #expect(
            throws: MetricsRegistryError.sampleNameCollision(
                metric: "tracekit_metric_series_overflow", sampleName: "tracekit_metric_series_overflow",
                otherMetric: "tracekit_metric_series_overflow")
        ) {
            try registry.counter("tracekit_metric_series_overflow_total", help: "")
        }
    }

    @Test("a label set with missing or extra labels is rejected")
    func labelSetMismatchThrows() throws {
        let registry = MetricsRegistry()
        let family = try registry.counterFamily("x_total", help: "", labelNames: ["a", "b"])
        #expect(throws: MetricsRegistryError.labelSetMismatch(metric: "x", expected: ["a", "b"], given: ["a"])) {
            try family.labels(["a": "1"])
        }
        #expect(
            throws: MetricsRegistryError.labelSetMismatch(metric: "x", expected: ["a", "b"], given: ["a", "b", "c"])
        ) {
            try family.labels(["a": "1", "b": "2", "c": "3"])
        }
    }

    @Test("bad bucket layouts and summary settings are rejected")
    func badBucketsThrow() {
        let registry = MetricsRegistry()
        #expect(throws: MetricsRegistryError.self) { try registry.histogram("h1", help: "", buckets: []) }
        #expect(throws: MetricsRegistryError.self) { try registry.histogram("h2", help: "", buckets: [1, 1]) }
        #expect(throws: MetricsRegistryError.self) { try registry.histogram("h3", help: "", buckets: [2, 1]) }
        #expect(throws: MetricsRegistryError.self) { try registry.histogram("h4", help: "", buckets: [.nan]) }
        #expect(throws: MetricsRegistryError.self) { try registry.summary("s1", help: "", quantiles: [1.5]) }
        #expect(throws: MetricsRegistryError.self) { try registry.summary("s2", help: "", relativeAccuracy: 0) }
        #expect(throws: MetricsRegistryError.self) { try HistogramBuckets.exponential(start: 0, factor: 2, count: 3) }
        #expect(throws: MetricsRegistryError.self) { try HistogramBuckets.linear(start: 0, width: -1, count: 3) }
    }

    @Test("bucket helpers produce the documented bounds")
    func bucketHelpers() throws {
        #expect(try HistogramBuckets.exponential(start: 1, factor: 2, count: 4) == [1, 2, 4, 8])
        #expect(try HistogramBuckets.linear(start: 1, width: 0.5, count: 3) == [1, 1.5, 2])
        #expect(HistogramBuckets.prometheusDefault == [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])
        let registry = MetricsRegistry()
        let histogram = try registry.histogram("trailing_inf", help: "", buckets: [1, 2, .infinity])
        #expect(histogram.upperBounds == [1, 2])
    }

    @Test("past the series limit new label sets share one overflow series, and overflows are counted")
    func seriesLimitRoutesToOverflow() throws {
        let registry = MetricsRegistry(clock: .fixed(5))
        let family = try registry.counterFamily("user_requests_total", help: "U.", labelNames: ["user"], seriesLimit: 3)
        for user in ["a", "b", "c"] { try family.labels(["user": user]).increment() }
        let overflowD = try family.labels(["user": "d"])
        let overflowE = try family.labels(["user": "e"])
        #expect(overflowD === overflowE)
        overflowD.increment()
        overflowE.increment(by: 4)
        #expect(try family.labels(["user": "a"]).value == 1)  // existing series still found
        #expect(family.overflowCount == 2)
        let text = registry.exposition()
        #expect(text.contains("user_requests_total{otel_metric_overflow=\"true\"} 5\n"))
        #expect(!text.contains("user=\"d\""))
        let series = text.split(separator: "\n").filter { $0.hasPrefix("user_requests_total{") }
        #expect(
            series.map { $0.split(separator: " ")[0] } == [
                "user_requests_total{user=\"a\"}", "user_requests_total{user=\"b\"}", "user_requests_total{user=\"c\"}",
                "user_requests_total{otel_metric_overflow=\"true\"}",
            ])
        #expect(text.contains("tracekit_metric_series_overflow_total{metric=\"user_requests\"} 2\n"))
        #expect(registry.defaultSeriesLimit == 2_000)
    }

    @Test("counter ignores negative increments; gauge goes both ways")
    func counterAndGaugeArithmetic() throws {
        let registry = MetricsRegistry()
        let counter = try registry.counter("c_total", help: "")
        counter.increment(by: 5)
        counter.increment(by: -3)
        #expect(counter.value == 5)
        let floating = try registry.floatingCounter("f_total", help: "")
        floating.increment(by: 0.5)
        floating.increment(by: -1)
        floating.increment(by: .nan)
        #expect(floating.value == 0.5)
        let gauge = try registry.gauge("g", help: "")
        gauge.set(10)
        gauge.increment(by: 2.5)
        gauge.decrement()
        #expect(gauge.value == 11.5)
    }
}
