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

/// Runs `body(iterations)` for `rounds` rounds and returns the median nanoseconds per iteration.
func medianNanosecondsPerOp(rounds: Int, iterations: Int, _ body: (Int) -> Void) -> Double {
    body(max(iterations / 10, 1))  // warm up
    var samples: [Double] = []
    for _ in 0..<rounds {
        let start = nowNanoseconds()
        body(iterations)
        let elapsed = nowNanoseconds() - start
        samples.append(Double(elapsed) / Double(iterations))
    }
    samples.sort()
    return samples[samples.count / 2]
}

struct Row {
    let name: String
    let ours: Double
    let peer: Double
    let target: String
}

func format(_ nanoseconds: Double) -> String {
    if nanoseconds >= 100_000 { return String(Int((nanoseconds / 1000).rounded())) + " us" }
    let rounded = (nanoseconds * 100).rounded() / 100
    return "\(rounded) ns"
}

let rounds = 9
var rows: [Row] = []
var sink = 0

// 1. Unlabelled counter increment.
do {
    let ours = try MetricsRegistry().counter("bench_total", help: "Bench.")
    let peer = PrometheusCollectorRegistry().makeCounter(name: "bench_total", help: "Bench.")
    let n = 20_000_000
    let oursTime = medianNanosecondsPerOp(rounds: rounds, iterations: n) { count in
        for _ in 0..<count { ours.increment() }
    }
    let peerTime = medianNanosecondsPerOp(rounds: rounds, iterations: n) { count in
        for _ in 0..<count { peer.increment() }
    }
    sink &+= ours.value
    blackhole(peer)
    rows.append(Row(name: "counter increment, unlabelled", ours: oursTime, peer: peerTime, target: "<= 1x"))
}

// 2. Labelled increment: our pre-bound handle vs swift-prometheus's labelled lookup + increment
//    (its way to reach a labelled series by label values); plus our own lookup path for comparison.
do {
    let registry = MetricsRegistry()
    let family = try registry.counterFamily("bench_labelled_total", help: "Bench.", labelNames: ["method", "status"])
    let handle = try family.labels(["method": "GET", "status": "200"])
    let peerRegistry = PrometheusCollectorRegistry()
    let peerHandle = peerRegistry.makeCounter(
        name: "bench_labelled_total", labels: [("method", "GET"), ("status", "200")], help: "Bench.")
    let n = 20_000_000
    let oursHandle = medianNanosecondsPerOp(rounds: rounds, iterations: n) { count in
        for _ in 0..<count { handle.increment() }
    }
    let peerHandleTime = medianNanosecondsPerOp(rounds: rounds, iterations: n) { count in
        for _ in 0..<count { peerHandle.increment() }
    }
    rows.append(
        Row(name: "labelled increment, pre-bound handle", ours: oursHandle, peer: peerHandleTime, target: "<= 1x"))

    let lookups = 1_000_000
    let oursLookup = medianNanosecondsPerOp(rounds: rounds, iterations: lookups) { count in
        for _ in 0..<count {
            if let series = try? family.labels(["method": "GET", "status": "200"]) { series.increment() }
        }
    }
    let peerLookup = medianNanosecondsPerOp(rounds: rounds, iterations: lookups) { count in
        for _ in 0..<count {
            peerRegistry.makeCounter(
                name: "bench_labelled_total", labels: [("method", "GET"), ("status", "200")], help: "Bench."
            ).increment()
        }
    }
    let oursPositional = medianNanosecondsPerOp(rounds: rounds, iterations: lookups) { count in
        for _ in 0..<count {
            if let series = try? family.labels(values: ["GET", "200"]) { series.increment() }
        }
    }
    sink &+= handle.value
    rows.append(
        Row(name: "labelled lookup + increment, dictionary", ours: oursLookup, peer: peerLookup, target: "<= 0.5x"))
    rows.append(
        Row(
            name: "labelled lookup + increment, values in order", ours: oursPositional, peer: peerLookup,
            target: "<= 0.5x"))
}

// 3. Histogram observe, default buckets, values spread over the buckets.
do {
    let ours = try MetricsRegistry().histogram("bench_seconds", help: "Bench.", unit: "seconds")
    let peer = PrometheusCollectorRegistry().makeValueHistogram(
        name: "bench_seconds", buckets: HistogramBuckets.prometheusDefault, help: "Bench.")
    let values: [Double] = (0..<1024).map { Double(($0 &* 2_654_435_761) % 12_000) / 1000 }
    let n = 10_000_000
    let oursTime = medianNanosecondsPerOp(rounds: rounds, iterations: n) { count in
        values.withUnsafeBufferPointer { values in
            for index in 0..<count { ours.observe(values[index & 1023]) }
        }
    }
    let peerTime = medianNanosecondsPerOp(rounds: rounds, iterations: n) { count in
        values.withUnsafeBufferPointer { values in
            for index in 0..<count { peer.record(values[index & 1023]) }
        }
    }
    sink &+= ours.count
    blackhole(peer)
    rows.append(Row(name: "histogram observe (11 buckets)", ours: oursTime, peer: peerTime, target: "<= 0.5x"))
}

// 4. Rendering 10,000 labelled counter series (100 routes x 100 statuses) in Prometheus text, into a
//    reused buffer on both sides.
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
                labels: [("route", "/api/v1/route\(route)"), ("code", "\(200 + code)")],
                help: "Requests."
            ).increment(by: Int64(value))
        }
    }
    var oursBuffer: [UInt8] = []
    var peerBuffer: [UInt8] = []
    var oursBytes = 0
    var peerBytes = 0
    let oursTime = medianNanosecondsPerOp(rounds: rounds, iterations: 200) { count in
        for _ in 0..<count {
            oursBuffer.removeAll(keepingCapacity: true)
            registry.exposition(.prometheusText, into: &oursBuffer)
            oursBytes = oursBuffer.count
        }
    }
    let peerTime = medianNanosecondsPerOp(rounds: rounds, iterations: 200) { count in
        for _ in 0..<count {
            peerBuffer.removeAll(keepingCapacity: true)
            peerRegistry.emit(into: &peerBuffer)
            peerBytes = peerBuffer.count
        }
    }
    let openMetricsTime = medianNanosecondsPerOp(rounds: rounds, iterations: 200) { count in
        for _ in 0..<count {
            oursBuffer.removeAll(keepingCapacity: true)
            registry.exposition(.openMetrics, into: &oursBuffer)
        }
    }
    sink &+= oursBytes &+ peerBytes
    rows.append(Row(name: "render 10,000 series, Prometheus text", ours: oursTime, peer: peerTime, target: "<= 0.5x"))
    rows.append(
        Row(name: "render 10,000 series, OpenMetrics (+_created)", ours: openMetricsTime, peer: peerTime, target: "-"))
    print("bytes per render: TraceMetrics \(oursBytes), swift-prometheus \(peerBytes)")
}

print("")
print("| case | TraceMetrics | swift-prometheus 2.4.1 | ratio (ours / peer) | target |")
print("|---|---|---|---|---|")
for row in rows {
    let ratio = (row.ours / row.peer * 100).rounded() / 100
    print("| \(row.name) | \(format(row.ours)) | \(format(row.peer)) | \(ratio)x | \(row.target) |")
}
print("")
print("median of \(rounds) rounds per case, release build; checksum \(sink)")
