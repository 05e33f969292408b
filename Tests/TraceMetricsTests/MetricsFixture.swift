// A registry holding every metric type, hostile label values and an exemplar, plus the values recorded into it.

import TraceMetrics

struct MetricsFixture {
    static let createdSeconds = 1_700_000_000.5
    static let requestsHelp = "HTTP requests, by \"method\" and status.\nSecond line \\ backslash."

    /// Label values that would break a careless writer: quotes, backslashes, newlines, look-alike lines,
    /// canonically equivalent Unicode spelled two ways, separators other parsers treat as line ends.
    static let hostileValues: [String] = [
        "quote\"inside", "back\\slash", "new\nline", "carriage\rreturn", "tab\there", "}{,=\" 1\nfake_metric 2",
        "\u{E9}", "e\u{301}", "日本語", "emoji 🚀", "\u{2028}line separator", "\u{85}next line",
        "trailing backslash\\", "", "#", " # {a=\"b\"} 1", "\\n not a newline", "nul\u{0}byte",
    ]

    static let durationObservations: [Double] = [0.003, 0.02, 0.3, 0.3, 7, 12]
    static let summaryObservations: [Double] = (1...200).map { Double($0) * 0.5 }

    let registry: MetricsRegistry
    /// Sample key (Prometheus text names, no `_created`) -> value recorded.
    var expected: [String: Double] = [:]
    /// `_created` sample keys, written only in OpenMetrics.
    var expectedCreated: [String: Double] = [:]
    let exemplar: Exemplar

    init() throws {
        registry = MetricsRegistry(clock: .fixed(Self.createdSeconds))
        exemplar = try Exemplar(
            traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7", timestamp: 1_700_000_001.25)

        let requests = try registry.counterFamily(
            "http_requests_total", help: Self.requestsHelp,
            labelNames: ["method", "status"])
        try requests.labels(["method": "GET", "status": "200"]).increment(by: 3)
        try requests.labels(["status": "500", "method": "POST"]).increment()
        record("http_requests_total", ["method": "GET", "status": "200"], 3, created: true)
        record("http_requests_total", ["method": "POST", "status": "500"], 1, created: true)

        let hostile = try registry.counterFamily(
            "hostile_labels_total", help: "Hostile label values.", labelNames: ["value"])
        for (index, value) in Self.hostileValues.enumerated() {
            try hostile.labels(["value": value]).increment(by: index + 1)
            record("hostile_labels_total", ["value": value], Double(index + 1), created: true)
        }

        let busy = try registry.floatingCounter("worker_busy_seconds_total", help: "Busy time.", unit: "seconds")
        busy.increment(by: 1.25)
        busy.increment(by: 0.1)
        record("worker_busy_seconds_total", [:], 1.25 + 0.1, created: true)

        let active = try registry.gauge("apps_active", help: "Applications running.")
        active.set(7)
        record("apps_active", [:], 7)
        let temperatures = try registry.gaugeFamily(
            "room_temperature_celsius", help: "Temperature.", unit: "celsius", labelNames: ["room"])
        for (room, value) in [("cold", -2.5), ("tiny", 1e-7), ("huge", 1.5e300), ("third", 1.0 / 3.0)] {
            try temperatures.labels(["room": room]).set(value)
            record("room_temperature_celsius", ["room": room], value)
        }

        let durations = try registry.histogramFamily(
            "request_duration_seconds", help: "Request latency.", unit: "seconds", labelNames: ["path"])
        let apps = try durations.labels(["path": "/apps"])
        for (index, value) in Self.durationObservations.enumerated() {
            if index == 2 { apps.observe(value, exemplar: exemplar) } else { apps.observe(value) }
        }
        let bounds = HistogramBuckets.prometheusDefault + [.infinity]
        for bound in bounds {
            let cumulative = Self.durationObservations.filter { $0 <= bound }.count
            record(
                "request_duration_seconds_bucket", ["path": "/apps", "le": Self.goSpelling(bound)], Double(cumulative))
        }
        record("request_duration_seconds_count", ["path": "/apps"], Double(Self.durationObservations.count))
        record("request_duration_seconds_sum", ["path": "/apps"], Self.durationObservations.reduce(0, +))
        expectedCreated[SampleKey.make("request_duration_seconds_created", ["path": "/apps"])] = Self.createdSeconds

        let sizes = try registry.summary(
            "response_size_bytes", help: "Response sizes.", unit: "bytes", quantiles: [0.5, 0.99])
        for value in Self.summaryObservations { sizes.observe(value) }
        record("response_size_bytes_count", [:], Double(Self.summaryObservations.count))
        record("response_size_bytes_sum", [:], Self.summaryObservations.reduce(0, +))
        expectedCreated[SampleKey.make("response_size_bytes_created", [:])] = Self.createdSeconds
    }

    /// The `le` spelling a parser hands back in Prometheus text (Go's); OpenMetrics adds ".0" to integers.
    static func goSpelling(_ bound: Double) -> String {
        if bound == .infinity { return "+Inf" }
        if bound == bound.rounded() { return String(Int(bound)) }
        return String(bound)
    }

    private mutating func record(_ name: String, _ labels: [String: String], _ value: Double, created: Bool = false) {
        expected[SampleKey.make(name, labels)] = value
        if created {
            let base = name.hasSuffix("_total") ? String(name.dropLast(6)) : name
            expectedCreated[SampleKey.make(base + "_created", labels)] = Self.createdSeconds
        }
    }
}
