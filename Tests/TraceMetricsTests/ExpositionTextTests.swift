// The exact text of both formats: metadata, le spelling, _created, exemplars, escaping, order and # EOF.

import Synchronization
import Testing
import TraceMetrics

@Suite("Exposition text")
struct ExpositionTextTests {
    static func smallRegistry() throws -> MetricsRegistry {
        let registry = MetricsRegistry(clock: .fixed(1_700_000_000))
        let latency = try registry.histogram(
            "rpc_duration_seconds", help: "RPC latency.", unit: "seconds", buckets: [0.005, 1, 1_000_000])
        latency.observe(
            0.5, exemplar: try Exemplar(traceID: "0af7651916cd43dd8448eb211c80319c", spanID: "b7ad6b7169203331"))
        latency.observe(2)
        let requests = try registry.counterFamily("http_requests_total", help: "Requests.", labelNames: ["code"])
        try requests.labels(["code": "500"]).increment()
        try requests.labels(["code": "200"]).increment(by: 2)
        let active = try registry.gauge("apps_active", help: "Active apps.")
        active.set(1.5)
        return registry
    }

    @Test("Prometheus text 0.0.4 is written exactly, with Go's le spelling and no _created")
    func prometheusTextExact() throws {
        let text = try Self.smallRegistry().exposition(.prometheusText)
        #expect(
            text == """
                # HELP apps_active Active apps.
                # TYPE apps_active gauge
                apps_active 1.5
                # HELP http_requests_total Requests.
                # TYPE http_requests_total counter
                http_requests_total{code="200"} 2
                http_requests_total{code="500"} 1
                # HELP rpc_duration_seconds RPC latency.
                # TYPE rpc_duration_seconds histogram
                rpc_duration_seconds_bucket{le="0.005"} 0
                rpc_duration_seconds_bucket{le="1"} 1
                rpc_duration_seconds_bucket{le="1e+06"} 2
                rpc_duration_seconds_bucket{le="+Inf"} 2
                rpc_duration_seconds_count 2
                rpc_duration_seconds_sum 2.5

                """)
    }

    @Test("OpenMetrics 1.0 is written exactly: family names, UNIT, canonical le, _created, exemplar, # EOF")
    func openMetricsExact() throws {
        let text = try Self.smallRegistry().exposition(.openMetrics)
        #expect(
            text == """
                # HELP apps_active Active apps.
                # TYPE apps_active gauge
                apps_active 1.5
                # HELP http_requests Requests.
                # TYPE http_requests counter
                http_requests_total{code="200"} 2
                http_requests_created{code="200"} 1700000000
                http_requests_total{code="500"} 1
                http_requests_created{code="500"} 1700000000
                # HELP rpc_duration_seconds RPC latency.
                # TYPE rpc_duration_seconds histogram
                # UNIT rpc_duration_seconds seconds
                rpc_duration_seconds_bucket{le="0.005"} 0
                rpc_duration_seconds_bucket{le="1.0"} 1 # {span_id="b7ad6b7169203331",trace_id="0af7651916cd43dd8448eb211c80319c"} 0.5
                rpc_duration_seconds_bucket{le="1e+06"} 2
                rpc_duration_seconds_bucket{le="+Inf"} 2
                rpc_duration_seconds_count 2
                rpc_duration_seconds_sum 2.5
                rpc_duration_seconds_created 1700000000
                # EOF

                """)
    }

    @Test("_created is the injected clock's time when each series was created")
    func createdFollowsInjectedClock() throws {
        let ticks = Mutex(1_700_000_000.0)
        let registry = MetricsRegistry(
            clock: MetricsClock {
                ticks.withLock {
                    $0 += 10; return $0
                }
            })
        let family = try registry.counterFamily("jobs_total", help: "Jobs.", labelNames: ["queue"])
        try family.labels(["queue": "b"]).increment()
        try family.labels(["queue": "a"]).increment()
        let text = registry.exposition(.openMetrics)
        #expect(text.contains("jobs_created{queue=\"b\"} 1700000020\n"))  // the registry itself read 1700000010
        #expect(text.contains("jobs_created{queue=\"a\"} 1700000030\n"))
        #expect(registry.exposition(.openMetrics) == text)
    }

    @Test("a timestamp is written in milliseconds in 0.0.4 and in seconds in OpenMetrics")
    func sampleTimestamps() throws {
        let registry = MetricsRegistry(clock: .fixed(1))
        try registry.gauge("g", help: "G.").set(3)
        #expect(registry.exposition(.prometheusText, timestamp: 1_700_000_000.25).hasSuffix("g 3 1700000000250\n"))
        #expect(registry.exposition(.openMetrics, timestamp: 1_700_000_000.25).hasSuffix("g 3 1700000000.25\n# EOF\n"))
    }

    @Test("le and quantile labels use the canonical spelling of each format")
    func canonicalBoundSpelling() throws {
        let registry = MetricsRegistry(clock: .fixed(0))
        _ = try registry.histogram("h", help: "H.", buckets: [0.0001, 0.00001, 0.1, 2, 123456, 1234567].sorted())
        _ = try registry.summary("s", help: "S.", quantiles: [0, 0.5, 1])
        let prometheus = registry.exposition(.prometheusText)
        let openMetrics = registry.exposition(.openMetrics)
        for le in ["1e-05", "0.0001", "0.1", "2", "123456", "1.234567e+06", "+Inf"] {
            #expect(prometheus.contains("h_bucket{le=\"\(le)\"} 0\n"), "0.0.4 le \(le)")
        }
        for le in ["1e-05", "0.0001", "0.1", "2.0", "123456.0", "1.234567e+06", "+Inf"] {
            #expect(openMetrics.contains("h_bucket{le=\"\(le)\"} 0\n"), "OpenMetrics le \(le)")
        }
        for quantile in ["0", "0.5", "1"] { #expect(prometheus.contains("s{quantile=\"\(quantile)\"} NaN\n")) }
        for quantile in ["0.0", "0.5", "1.0"] { #expect(openMetrics.contains("s{quantile=\"\(quantile)\"} NaN\n")) }
    }

    @Test("special values are spelled +Inf, -Inf and NaN; other doubles round-trip")
    func specialValues() throws {
        let registry = MetricsRegistry()
        let gauges = try registry.gaugeFamily("v", help: "V.", labelNames: ["k"])
        let values: [(String, Double)] = [
            ("a", .infinity), ("b", -.infinity), ("c", .nan), ("d", 0.1), ("e", .leastNonzeroMagnitude), ("f", -0.0),
            ("g", 2e16),
            ("h", 1e300), ("i", -42),
        ]
        for (key, value) in values { try gauges.labels(["k": key]).set(value) }
        let lines = registry.exposition().split(separator: "\n").filter { $0.hasPrefix("v{") }
        let written = lines.map { String($0.split(separator: " ")[1]) }
        #expect(written == ["+Inf", "-Inf", "NaN", "0.1", "5e-324", "0", "2e+16", "1e+300", "-42"])
        for ((_, value), text) in zip(values, written) where value.isFinite {
            #expect(Double(text) == value)
        }
    }

    @Test("label values and HELP are escaped so no value can start a new line")
    func escaping() throws {
        let registry = MetricsRegistry()
        let family = try registry.counterFamily("e_total", help: "say \"hi\"\\\nnext", labelNames: ["v"])
        try family.labels(["v": "a\"b\\c\nd}e"]).increment()
        let prometheus = registry.exposition(.prometheusText)
        let openMetrics = registry.exposition(.openMetrics)
        #expect(prometheus.contains("# HELP e_total say \"hi\"\\\\\\nnext\n"))
        #expect(openMetrics.contains("# HELP e say \\\"hi\\\"\\\\\\nnext\n"))
        #expect(prometheus.contains("e_total{v=\"a\\\"b\\\\c\\nd}e\"} 1\n"))
        #expect(prometheus.split(separator: "\n").count == 3)
        #expect(openMetrics.split(separator: "\n").count == 5)  // HELP, TYPE, _total, _created, # EOF
    }

    @Test("families sort by name and series by label values in byte order, independent of creation order")
    func stableSortedOrder() throws {
        let registry = MetricsRegistry(clock: .fixed(0))
        let zeta = try registry.counterFamily("zeta_total", help: "Z.", labelNames: ["k"])
        _ = try registry.gauge("alpha", help: "A.")
        for key in ["b", "a", "B", "\u{E9}", "c", "aa"] { try zeta.labels(["k": key]).increment() }
        _ = try registry.gauge("mid", help: "M.")
        let text = registry.exposition()
        let familyOrder = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE") }.map {
            $0.split(separator: " ")[2]
        }
        #expect(familyOrder == ["alpha", "mid", "zeta_total"])
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("zeta_total{") }.map {
            String($0.dropFirst(14).prefix { $0 != "\"" })
        }
        #expect(keys == ["B", "a", "aa", "b", "c", "\u{E9}"])
        #expect(registry.exposition() == text)
    }

    @Test("the Accept header picks OpenMetrics only when asked for")
    func acceptHeader() {
        #expect(ExpositionFormat(acceptHeader: nil) == .prometheusText)
        #expect(ExpositionFormat(acceptHeader: "text/plain;version=0.0.4") == .prometheusText)
        #expect(
            ExpositionFormat(
                acceptHeader:
                    "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                == .openMetrics)
        #expect(
            ExpositionFormat(acceptHeader: "application/openmetrics-text;q=0.1,text/plain;q=0.9") == .prometheusText)
        #expect(
            ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(ExpositionFormat.prometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }

    @Test(
        "a histogram with negative bounds has no _sum or _count in OpenMetrics, as the spec requires; 0.0.4 keeps them")
    func negativeBucketsOmitSumInOpenMetrics() throws {
        let registry = MetricsRegistry(clock: .fixed(0))
        let offsets = try registry.histogram(
            "clock_offset_seconds", help: "Offset.", unit: "seconds", buckets: [-1, 0, 1])
        offsets.observe(-0.5)
        #expect(!registry.exposition(.openMetrics).contains("clock_offset_seconds_sum"))
        #expect(!registry.exposition(.openMetrics).contains("clock_offset_seconds_count"))
        #expect(registry.exposition(.openMetrics).contains("clock_offset_seconds_bucket{le=\"+Inf\"} 1\n"))
        #expect(registry.exposition(.prometheusText).contains("clock_offset_seconds_sum -0.5\n"))
    }

    @Test("an exemplar longer than OpenMetrics allows is rejected")
    func exemplarLimit() throws {
        #expect(throws: MetricsRegistryError.self) {
            try Exemplar(labels: ["trace_id": String(repeating: "a", count: 121)])
        }
        #expect(throws: MetricsRegistryError.self) { try Exemplar(labels: ["bad-name": "x"]) }
        let fits = try Exemplar(labels: ["trace_id": String(repeating: "a", count: 120)])
        #expect(fits.labelNames == ["trace_id"])
    }
}
