// Measures TraceMetrics against swift-prometheus 2.4 in one process and prints median ns/op and ratios.
// Run: swift run -c release --package-path Benchmarks MetricsBenchmarks

import Prometheus
import TraceMetrics

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a value alive so the optimiser cannot delete the work that produced it.
@inline(never)
func blackhole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

func nowNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// Nanoseconds per iteration of one timed run of `body(iterations)`.
func nanosecondsPerOp(iterations: Int, _ body: (Int) -> Void) -> Double {
    let start = nowNanoseconds()
    body(iterations)
    return Double(nowNanoseconds() - start) / Double(iterations)
}

/// Runs ours and the peer's body alternately, `rounds` times each after a warm-up, so load from other
/// processes hits both alike; returns the median ns/op of each and the median of the per-round ratios.
func compare(
    rounds: Int, iterations: Int, ours: (Int) -> Void, peer: (Int) -> Void
) -> (ours: Double, peer: Double, ratio: Double) {
    ours(max(iterations / 10, 1))
    peer(max(iterations / 10, 1))
    var oursSamples: [Double] = []
    var peerSamples: [Double] = []
    var ratios: [Double] = []
    for _ in 0..<rounds {
        let oursTime = nanosecondsPerOp(iterations: iterations, ours)
        let peerTime = nanosecondsPerOp(iterations: iterations, peer)
        oursSamples.append(oursTime)
        peerSamples.append(peerTime)
        ratios.append(oursTime / peerTime)
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    return (median(oursSamples), median(peerSamples), median(ratios))
}

struct Row {
    let name: String
    let ours: Double
    let peer: Double
    let ratio: Double
    let target: String

    init(_ name: String, _ result: (ours: Double, peer: Double, ratio: Double), target: String) {
        self.name = name
        ours = result.ours
        peer = result.peer
        ratio = result.ratio
        self.target = target
    }
}

func format(_ nanoseconds: Double) -> String {
    if nanoseconds >= 100_000 { return String(Int((nanoseconds / 1000).rounded())) + " us" }
    let rounded = (nanoseconds * 100).rounded() / 100
    return "\(rounded) ns"
}

let rounds = 11
var rows: [Row] = []
var sink = 0

// 1. Unlabelled counter increment.
do {
    let ours = try MetricsRegistry().counter("bench_total", help: "Bench.")
    let peer = PrometheusCollectorRegistry().makeCounter(name: "bench_total", help: "Bench.")
    let result = compare(rounds: rounds, iterations: 20_000_000) { count in
        for _ in 0..<count { ours.increment() }
    } peer: { count in
        for _ in 0..<count { peer.increment() }
    }
    sink &+= ours.value
    blackhole(peer)
    rows.append(Row("counter increment, unlabelled", result, target: "<= 1x"))
}

// 2. Labelled increments: a pre-bound handle on both sides; then reaching the series from its label values
//    on every call (swift-prometheus: `makeCounter(name:labels:)` returns the registered series).
do {
    let registry = MetricsRegistry()
    let family = try registry.counterFamily("bench_labelled_total", help: "Bench.", labelNames: ["method", "status"])
    let handle = try family.labels(["method": "GET", "status": "200"])
    let peerRegistry = PrometheusCollectorRegistry()
    let peerHandle = peerRegistry.makeCounter(
        name: "bench_labelled_total", labels: [("method", "GET"), ("status", "200")], help: "Bench.")
    rows.append(
        Row(
            "labelled increment, pre-bound handle",
            compare(rounds: rounds, iterations: 20_000_000) { count in
                for _ in 0..<count { handle.increment() }
            } peer: { count in
                for _ in 0..<count { peerHandle.increment() }
            }, target: "<= 1x"))

    func peerLookup(_ count: Int) {
        for _ in 0..<count {
            peerRegistry.makeCounter(
                name: "bench_labelled_total", labels: [("method", "GET"), ("status", "200")], help: "Bench."
            ).increment()
        }
    }
    rows.append(
        Row(
            "labelled lookup + increment, label dictionary",
            compare(rounds: rounds, iterations: 1_000_000) { count in
                for _ in 0..<count {
                    if let series = try? family.labels(["method": "GET", "status": "200"]) { series.increment() }
                }
            } peer: {
                peerLookup($0)
            }, target: "<= 0.5x"))
    rows.append(
        Row(
            "labelled lookup + increment, values in order",
            compare(rounds: rounds, iterations: 1_000_000) { count in
                for _ in 0..<count {
                    if let series = try? family.labels(values: ["GET", "200"]) { series.increment() }
                }
            } peer: {
                peerLookup($0)
            }, target: "<= 0.5x"))
    sink &+= handle.value
}

// 3. Histogram observe, default buckets, values spread over all buckets.
do {
    let ours = try MetricsRegistry().histogram("bench_seconds", help: "Bench.", unit: "seconds")
    let peer = PrometheusCollectorRegistry().makeValueHistogram(
        name: "bench_seconds", buckets: HistogramBuckets.prometheusDefault, help: "Bench.")
    let values: [Double] = (0..<1024).map { Double(($0 &* 2_654_435_761) % 12_000) / 1000 }
    let result = compare(rounds: rounds, iterations: 10_000_000) { count in
        values.withUnsafeBufferPointer { values in
            for index in 0..<count { ours.observe(values[index & 1023]) }
        }
    } peer: { count in
        values.withUnsafeBufferPointer { values in
            for index in 0..<count { peer.record(values[index & 1023]) }
        }
    }
    sink &+= ours.count
    blackhole(peer)
    rows.append(Row("histogram observe (11 buckets)", result, target: "<= 0.5x"))
}

// 4. Rendering 10,000 labelled counter series (100 routes x 100 codes), appending into a reused buffer on
//    both sides. swift-prometheus writes HELP and TYPE lines for every series, so its text is longer.
do {
    let registry = MetricsRegistry()
    let family = try registry.counterFamily(
        "bench_http_requests_total", help: "Requests.", labelNames: ["route", "code"])
    let peerRegistry = PrometheusCollectorRegistry()
    for route in 0..<100 {
        for code in 0..<100 {
            let value = route * 100 + code
            try family.labels(["route": "/api/v1/route\(route)", "code": "\(200 + code)"]).increment(by: value)
            peerRegistry.makeCounter(
                name: "bench_http_requests_total",
                labels: [("route", "/api/v1/route\(route)"), ("code", "\(200 + code)")], help: "Requests."
            ).increment(by: Int64(value))
        }
    }
    var oursBuffer: [UInt8] = []
    var peerBuffer: [UInt8] = []
    var oursBytes = 0
    var peerBytes = 0
    func peerRender(_ count: Int) {
        for _ in 0..<count {
            peerBuffer.removeAll(keepingCapacity: true)
            peerRegistry.emit(into: &peerBuffer)
            peerBytes = peerBuffer.count
        }
    }
    rows.append(
        Row(
            "render 10,000 series, Prometheus text",
            compare(rounds: rounds, iterations: 100) { count in
                for _ in 0..<count {
                    oursBuffer.removeAll(keepingCapacity: true)
                    registry.exposition(.prometheusText, into: &oursBuffer)
                    oursBytes = oursBuffer.count
                }
            } peer: {
                peerRender($0)
            }, target: "<= 0.5x"))
    rows.append(
        Row(
            "render 10,000 series, OpenMetrics (adds _created lines)",
            compare(rounds: rounds, iterations: 100) { count in
                for _ in 0..<count {
                    oursBuffer.removeAll(keepingCapacity: true)
                    registry.exposition(.openMetrics, into: &oursBuffer)
                }
            } peer: {
                peerRender($0)
            }, target: "-"))
    sink &+= oursBytes &+ peerBytes
    print("bytes per Prometheus-text render: TraceMetrics \(oursBytes), swift-prometheus \(peerBytes)")
}

print("")
print("| case | TraceMetrics | swift-prometheus 2.4.1 | ratio (ours / peer) | target |")
print("|---|---|---|---|---|")
for row in rows {
    let ratio = (row.ratio * 100).rounded() / 100
    print("| \(row.name) | \(format(row.ours)) | \(format(row.peer)) | \(ratio)x | \(row.target) |")
}
print("")
print("medians of \(rounds) alternating rounds per case (ratio: median of per-round ratios); checksum \(sink)")
