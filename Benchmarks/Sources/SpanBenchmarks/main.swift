// SpanBenchmarks: the cost of a span in TraceKit against its floor and swift-distributed-tracing, in one run.
//
// Run: swift run -c release --package-path Benchmarks SpanBenchmarks
// Prints, per case, the median and minimum nanoseconds per operation over interleaved rounds, and the ratios
// the performance budget is stated in. Rounds interleave the cases so machine noise hits them alike.

import Synchronization
import TraceKit
import TraceKitBridges
import Tracing

#if canImport(Glibc)
    import Glibc
#endif

@inline(never)
func blackHole<T>(_ value: T) {}

@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
}

/// A task-local of the same type TraceKit binds: the floor is one bind of it plus two clock reads.
enum FloorContext {
    @TaskLocal static var current: SpanContext?
}

let floorValue = SpanContext(traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: 3), isSampled: true)

@inline(never)
func floorCase(_ iterations: Int) -> UInt64 {
    var total: UInt64 = 0
    let start = monotonicNanoseconds()
    for index in 0..<iterations {
        FloorContext.$current.withValue(floorValue) {
            let begin = monotonicNanoseconds()
            total &+= UInt64(truncatingIfNeeded: index)
            total &+= monotonicNanoseconds() &- begin
        }
    }
    let elapsed = monotonicNanoseconds() &- start
    blackHole(total)
    return elapsed
}

@inline(never)
func traceOperationCase(_ iterations: Int) -> UInt64 {
    var total: UInt64 = 0
    let start = monotonicNanoseconds()
    for index in 0..<iterations {
        traceOperation("handle_request", ["http.method": "GET", "http.status_code": 200]) {
            total &+= UInt64(truncatingIfNeeded: index)
        }
    }
    let elapsed = monotonicNanoseconds() &- start
    blackHole(total)
    return elapsed
}

@inline(never)
func traceOperationWithHandleCase(_ iterations: Int) -> UInt64 {
    var total: UInt64 = 0
    let start = monotonicNanoseconds()
    for index in 0..<iterations {
        traceOperation("handle_request") { span in
            span.setAttribute("http.method", "GET")
            span.setAttribute("http.status_code", 200)
            total &+= UInt64(truncatingIfNeeded: index)
        }
    }
    let elapsed = monotonicNanoseconds() &- start
    blackHole(total)
    return elapsed
}

@inline(never)
func withSpanNoOpCase(_ iterations: Int) -> UInt64 {
    var total: UInt64 = 0
    let start = monotonicNanoseconds()
    for index in 0..<iterations {
        withSpan("handle_request") { _ in
            total &+= UInt64(truncatingIfNeeded: index)
        }
    }
    let elapsed = monotonicNanoseconds() &- start
    blackHole(total)
    return elapsed
}

@inline(never)
func withSpanNoOpAttributesCase(_ iterations: Int) -> UInt64 {
    var total: UInt64 = 0
    let start = monotonicNanoseconds()
    for index in 0..<iterations {
        withSpan("handle_request") { span in
            span.attributes["http.method"] = "GET"
            span.attributes["http.status_code"] = 200
            total &+= UInt64(truncatingIfNeeded: index)
        }
    }
    let elapsed = monotonicNanoseconds() &- start
    blackHole(total)
    return elapsed
}

struct Case: Sendable {
    var name: String
    var run: @Sendable (Int) -> UInt64
    var samples: [Double] = []

    var median: Double {
        let sorted = samples.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
    var minimum: Double { samples.min() ?? .nan }
}

/// Runs every case `rounds` times, interleaved, and returns them with their per-round ns/op samples.
func measure(_ cases: [Case], iterations: Int, rounds: Int) -> [Case] {
    var cases = cases
    for index in cases.indices { _ = cases[index].run(iterations / 10) }  // warm up
    for _ in 0..<rounds {
        for index in cases.indices {
            let elapsed = cases[index].run(iterations)
            cases[index].samples.append(Double(elapsed) / Double(iterations))
        }
    }
    return cases
}

/// `value` with `places` decimals (no Foundation here).
func fixed(_ value: Double, _ places: Int) -> String {
    guard value.isFinite else { return String(value) }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = Int((abs(value) * scale).rounded())
    var fraction = String(scaled % Int(scale))
    while fraction.count < places { fraction = "0" + fraction }
    let sign = value < 0 ? "-" : ""
    return places == 0 ? sign + String(scaled) : sign + String(scaled / Int(scale)) + "." + fraction
}

func format(_ value: Double) -> String { fixed(value, 1) }
func ratio(_ value: Double) -> String { fixed(value, 2) + "x" }

func printTable(_ title: String, _ cases: [Case]) {
    print("\n\(title)")
    print("| case | median ns/op | min ns/op |")
    print("|---|---:|---:|")
    for item in cases {
        print("| \(item.name) | \(format(item.median)) | \(format(item.minimum)) |")
    }
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200_000
// For callgrind (instruction counts are repeatable on a noisy machine): one case only, e.g.
//   valgrind --tool=callgrind SpanBenchmarks 20000 --profile recorded
// Cases: floor, disabled, withspan, withspan-attributes (no-op tracer), recorded, and with the bridge installed
// bridged (traceOperation), bridged-withspan, bridged-withspan-attributes.
if let flag = CommandLine.arguments.firstIndex(of: "--profile"), flag + 1 < CommandLine.arguments.count {
    switch CommandLine.arguments[flag + 1] {
    case "floor": _ = floorCase(iterations)
    case "disabled": _ = traceOperationCase(iterations)
    case "withspan": _ = withSpanNoOpCase(iterations)
    case "withspan-attributes": _ = withSpanNoOpAttributesCase(iterations)
    case "bridged", "bridged-withspan", "bridged-withspan-attributes":
        try TraceSystem.bootstrap(TraceConfiguration(service: "bench", sinks: [DiscardingSpanSink()]))
        InstrumentationSystem.bootstrap(TraceKitTracer())
        switch CommandLine.arguments[flag + 1] {
        case "bridged": _ = traceOperationCase(iterations)
        case "bridged-withspan": _ = withSpanNoOpCase(iterations)
        default: _ = withSpanNoOpAttributesCase(iterations)
        }
    default:
        try TraceSystem.bootstrap(TraceConfiguration(service: "bench", sinks: [DiscardingSpanSink()]))
        _ = traceOperationCase(iterations)
    }
    exit(0)
}
let rounds = 15
print("TraceKit span benchmarks: \(iterations) iterations x \(rounds) rounds per case, release build")

// Phase 1: nothing bootstrapped. TraceKit's disabled span against the floor and swift-distributed-tracing's
// no-op withSpan (its default instrument is the NoOpTracer).
let disabled = measure(
    [
        Case(name: "floor: task-local bind + 2 clock reads", run: floorCase),
        Case(name: "TraceKit traceOperation, nothing bootstrapped (disabled)", run: traceOperationCase),
        Case(name: "swift-distributed-tracing withSpan, NoOpTracer", run: withSpanNoOpCase),
        Case(name: "swift-distributed-tracing withSpan + 2 attributes, NoOpTracer", run: withSpanNoOpAttributesCase),
    ],
    iterations: iterations,
    rounds: rounds
)
printTable("Phase 1: nothing bootstrapped", disabled)

// Phase 2: a recorder that records every span into a sink that discards it.
try TraceSystem.bootstrap(TraceConfiguration(service: "bench", sinks: [DiscardingSpanSink()], sampler: .always))
let recorded = measure(
    [
        Case(name: "floor: task-local bind + 2 clock reads", run: floorCase),
        Case(name: "TraceKit traceOperation, 2 attributes, recorded, discarding sink", run: traceOperationCase),
        Case(name: "TraceKit traceOperation, 2 attributes set on the span handle", run: traceOperationWithHandleCase),
        Case(name: "swift-distributed-tracing withSpan, NoOpTracer", run: withSpanNoOpCase),
    ],
    iterations: iterations,
    rounds: rounds
)
printTable("Phase 2: bootstrapped, every span recorded into a discarding sink", recorded)

// Phase 3: the same loops inside a Swift task, where services run: a task-local bind there uses the task's
// own allocator instead of malloc, so the floor is lower and the relative cost of a span higher.
let inTask = Mutex<[Case]>([])
let finished = Atomic<Bool>(false)
Task.detached {
    let cases = measure(
        [
            Case(name: "floor: task-local bind + 2 clock reads (in a task)", run: floorCase),
            Case(name: "TraceKit traceOperation, 2 attributes, recorded (in a task)", run: traceOperationCase),
            Case(name: "swift-distributed-tracing withSpan, NoOpTracer (in a task)", run: withSpanNoOpCase),
        ],
        iterations: iterations,
        rounds: rounds
    )
    inTask.withLock { $0 = cases }
    finished.store(true, ordering: .releasing)
}
while !finished.load(ordering: .acquiring) { usleep(10_000) }
let taskCases = inTask.withLock { $0 }
printTable("Phase 3: bootstrapped, inside a Swift task", taskCases)

// Phase 4: swift-distributed-tracing bootstrapped with TraceKit's tracer: `withSpan` now records TraceKit spans,
// and every `traceOperation` also keeps InstrumentationContext.current in step (the price of the bridge).
InstrumentationSystem.bootstrap(TraceKitTracer())
let bridged = measure(
    [
        Case(name: "floor: task-local bind + 2 clock reads", run: floorCase),
        Case(name: "TraceKit traceOperation, 2 attributes, with the bridge installed", run: traceOperationCase),
        Case(name: "withSpan through TraceKitTracer, recorded", run: withSpanNoOpCase),
        Case(name: "withSpan + 2 attributes through TraceKitTracer, recorded", run: withSpanNoOpAttributesCase),
    ],
    iterations: iterations / 4,
    rounds: rounds
)
printTable("Phase 4: InstrumentationSystem bootstrapped with TraceKitTracer (bridge installed)", bridged)

let floor1 = disabled[0].median
let floor2 = recorded[0].median
let noOp = recorded[3].median
print("\nRatios (medians, same run)")
print("| figure | value | target |")
print("|---|---:|---|")
print("| disabled span, ns | \(format(disabled[1].median)) | < 10 ns |")
print("| recorded span / floor | \(ratio(recorded[1].median / floor2)) | <= 1.5x |")
print("| recorded span / withSpan no-op | \(ratio(recorded[1].median / noOp)) | <= 0.5x |")
print("| recorded span (handle) / floor | \(ratio(recorded[2].median / floor2)) | |")
print("| in a task: recorded span / floor | \(ratio(taskCases[1].median / taskCases[0].median)) | <= 1.5x |")
print("| in a task: recorded span / withSpan no-op | \(ratio(taskCases[1].median / taskCases[2].median)) | <= 0.5x |")
print("| floor, phase 1 vs phase 2 | \(format(floor1)) / \(format(floor2)) ns | (noise check) |")
print(
    "| bridge installed: traceOperation / without the bridge | \(ratio(bridged[1].median / recorded[1].median)) | <= 1.2x |"
)
print(
    "| bridge installed: withSpan + 2 attributes / no-op withSpan + 2 attributes | "
        + "\(ratio(bridged[3].median / disabled[3].median)) | <= 1.5x |")
