// BurstBenchmarks: what a burst of spans in a tight loop costs and keeps, by writer buffer size and overflow policy.
//
// Each configuration runs in a fresh child process (peak RSS is per process): N `traceOperation` calls with two
// attributes, as fast as one thread can make them, into a bootstrapped recorder that writes a log with the given
// buffer capacity and policy, then `shutdown()`. Printed per configuration (median of the runs): spans written and
// dropped, caller wall time per span, the whole run's wall time, and the child's peak RSS, with the RSS of the
// same program recording no spans (tracing off) as the baseline.
//
// Run: swift run -c release --package-path Benchmarks BurstBenchmarks [runs, default 3]
//      BurstBenchmarks child SPANS CAPACITY POLICY PATH    (one configuration; POLICY drop|block|wait100ms|off)

import Foundation
import TraceKit
import TraceLog

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func runChild(_ arguments: [String]) {
    guard arguments.count == 4, let spans = Int(arguments[0]), let capacity = Int(arguments[1]) else {
        print("usage: BurstBenchmarks child SPANS CAPACITY POLICY PATH")
        exit(2)
    }
    let path = arguments[3]
    var options = LogWriterOptions()
    options.bufferCapacity = capacity
    switch arguments[2] {
    case "drop": options.overflowPolicy = .dropNewest
    case "block": options.overflowPolicy = .blockCaller
    case "wait100ms": options.overflowPolicy = .blockCallerUpTo(.milliseconds(100))
    default: break
    }
    let tracing = arguments[2] != "off"
    var recorder: TraceRecorder?
    if tracing {
        do {
            recorder = try TraceSystem.bootstrap(
                TraceConfiguration(service: "burst", log: .file(path, options: options)))
        } catch {
            print("error \(error)")
            exit(1)
        }
    }
    let started = now()
    var sum = 0
    for index in 0..<spans {
        sum &+= traceOperation("burst", ["index": .integer(index), "kind": "tight-loop"]) { index & 7 }
    }
    let callerSeconds = now() - started
    recorder?.shutdown()
    let totalSeconds = now() - started
    let statistics = recorder?.configuration.logWriters.first?.statistics
    // One line the parent parses: written dropped caller_s total_s rss_mb (sum keeps the loop from vanishing).
    print(
        "\(statistics?.spansWritten ?? 0) \(statistics?.spansDropped ?? 0) \(callerSeconds) \(totalSeconds) "
            + "\(peakRSSMegabytes()) \(sum & 1)")
}

struct Result {
    var written: Double
    var dropped: Double
    var callerNanosecondsPerSpan: Double
    var totalSeconds: Double
    var rssMegabytes: Double
}

func runConfiguration(spans: Int, capacity: Int, policy: String, runs: Int) -> Result? {
    var results: [Result] = []
    let path = NSTemporaryDirectory() + "burst-\(getpid()).tklog"
    for _ in 0..<runs {
        unlink(path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["child", "\(spans)", "\(capacity)", policy, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = output.split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard fields.count >= 5 else { return nil }
        results.append(
            Result(
                written: fields[0], dropped: fields[1], callerNanosecondsPerSpan: fields[2] / Double(spans) * 1e9,
                totalSeconds: fields[3], rssMegabytes: fields[4]))
    }
    unlink(path)
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    return Result(
        written: median(results.map(\.written)), dropped: median(results.map(\.dropped)),
        callerNanosecondsPerSpan: median(results.map(\.callerNanosecondsPerSpan)),
        totalSeconds: median(results.map(\.totalSeconds)), rssMegabytes: median(results.map(\.rssMegabytes)))
}

let arguments = CommandLine.arguments
if arguments.count > 1, arguments[1] == "child" {
    runChild(Array(arguments.dropFirst(2)))
    exit(0)
}
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 3 : 3
print("BurstBenchmarks: N traceOperation calls (2 attributes) in a tight loop into a log; medians of \(runs) runs")
print("policy      capacity      burst    written    dropped  caller ns/span  total s   peak RSS MB")
let bursts = [10_000, 50_000, 100_000, 300_000, 1_000_000]
var configurations: [(String, Int)] = [("off", 0)]
for capacity in [16_384, 65_536, 262_144] { configurations.append(("drop", capacity)) }
for capacity in [16_384, 65_536] { configurations.append(("wait100ms", capacity)) }
configurations.append(("block", 16_384))
for (policy, capacity) in configurations {
    for burst in bursts {
        guard let result = runConfiguration(spans: burst, capacity: max(capacity, 1), policy: policy, runs: runs) else {
            print("\(policy) \(capacity) \(burst): failed")
            continue
        }
        print(
            String(
                format: "%-10@ %9d %10d %10.0f %10.0f %15.1f %8.2f %13.1f", policy as NSString, capacity, burst,
                result.written, result.dropped, result.callerNanosecondsPerSpan, result.totalSeconds,
                result.rssMegabytes))
    }
}
