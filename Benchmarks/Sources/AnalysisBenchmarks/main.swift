// AnalysisBenchmarks: replay + derivation against `gzip -dc`, the live analyzer's cost, and memory over 10M spans.
//
// Run: swift run -c release --package-path Benchmarks AnalysisBenchmarks [spans]
// Prints medians over interleaved rounds and ratios; the peak-memory figures come from child processes that
// replay logs of different sizes, so each starts from nothing.

import BenchmarkSupport
import Foundation
import TraceAnalysis
import TraceKit
import TraceLog
import TraceMetrics

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// This process's peak resident memory in MB: `VmHWM` from /proc/self/status. Not `getrusage`: Linux carries
/// `ru_maxrss` across `exec`, so a child started from this (large) benchmark process would report the parent's.
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
        return (kilobytes ?? .nan) / 1024
    }
    return .nan
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

/// Writes `count` workload spans to a new log at `path`, in chunks so memory stays small. One recorder's id
/// scheme for all chunks, with counters continuing from chunk to chunk, as in a real process's log.
func generateLog(path: String, count: Int) throws {
    try? FileManager.default.removeItem(atPath: path)
    let resource = Resource(serviceName: "bench", hostName: "bench-host", processID: 1, processStartUnixNanoseconds: 0)
    let recorder = TraceRecorder(TraceConfiguration(service: "bench"))
    var options = LogWriterOptions()
    options.bufferCapacity = 1 << 16
    options.overflowPolicy = .blockCaller
    options.identifiers = recorder.identifiers
    let writer = try LogWriter(path: path, resource: resource, options: options)
    var written = 0
    var chunk = 0
    while written < count {
        let size = min(200_000, count - written)
        let spans = Workload.spans(
            count: size, scheme: recorder.identifiers, seed: UInt64(chunk + 1), firstCounter: UInt64(written) * 2 + 1)
        for span in spans { writer.consume(span) }
        written += size
        chunk += 1
    }
    writer.shutdown()
}

/// Replays `path` into a fresh analyzer; returns seconds and spans. With `parallel`, the analyzer's
/// order-independent work runs on the reader's decoding threads; otherwise all of it on the calling thread.
func replayAndDerive(_ path: String, parallel: Bool = true) throws -> (
    seconds: Double, spans: Int, registry: MetricsRegistry
) {
    let registry = MetricsRegistry()
    let analyzer = try SpanAnalyzer(registry: registry)
    let start = now()
    var spans = 0
    if parallel {
        for entry in try LogReader(path: path, preparingFor: analyzer) {
            if case .span(let span) = entry {
                analyzer.consumePrepared(span)
                spans += 1
            }
        }
    } else {
        for entry in try LogReader(path: path) {
            if case .span(let span) = entry {
                analyzer.consume(span)
                spans += 1
            }
        }
    }
    return (now() - start, spans, registry)
}

func gzipSeconds(_ path: String) -> Double {
    processSeconds("/usr/bin/gzip", ["-dc", path])
}

// Child mode: replay one log a block at a time as `tracekit metrics` does; print "spans seconds peak-MB".
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--replay-batches" {
    let analyzer = try SpanAnalyzer(registry: MetricsRegistry())
    let start = now()
    var spans = 0
    let reader = try LogBatchReader(
        path: CommandLine.arguments[2], attributes: analyzer.attributeKeys, preparingFor: analyzer)
    for case .spans(let batch) in reader {
        analyzer.consumePrepared(batch)
        spans += batch.count
    }
    print("\(spans) \(now() - start) \(peakResidentMegabytes())")
    exit(0)
}

// Child mode: replay one log and print "spans seconds peak-MB"; `--replay-sequential` derives on this thread only.
if CommandLine.arguments.count == 3, CommandLine.arguments[1].hasPrefix("--replay") {
    let parallel = CommandLine.arguments[1] != "--replay-sequential"
    let (seconds, spans, _) = try replayAndDerive(CommandLine.arguments[2], parallel: parallel)
    print("\(spans) \(seconds) \(peakResidentMegabytes())")
    exit(0)
}

// Profile mode: replay + derive PATH a block at a time (`--derive-batches-all`: decoding every attribute).
if CommandLine.arguments.count == 3, CommandLine.arguments[1].hasPrefix("--derive-batches") {
    let run = try replayAndDeriveBatches(
        CommandLine.arguments[2], projected: CommandLine.arguments[1] != "--derive-batches-all")
    print("\(run.seconds) s")
    exit(0)
}

// Profile mode: replay + derive PATH, printing how long the calling thread waited for batches and derived.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--timed-derive" {
    let analyzer = try SpanAnalyzer(registry: MetricsRegistry())
    let reader = try LogBatchReader(path: CommandLine.arguments[2], attributes: analyzer.attributeKeys)
    var waiting = 0.0
    var deriving = 0.0
    let start = now()
    while true {
        let before = now()
        guard let entry = reader.next() else { break }
        let got = now()
        waiting += got - before
        if case .spans(let batch) = entry { analyzer.consume(batch) }
        deriving += now() - got
    }
    print(
        "\(now() - start) s: waiting \(waiting) s, deriving \(deriving) s; child intervals pending "
            + "\(analyzer.pendingChildIntervals), evicted \(analyzer.evictedChildIntervals)")
    exit(0)
}

// Profile mode: replay + derive PATH with the order-independent part prepared on the decoding threads.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--prepared-batches" {
    let run = try replayAndDeriveBatches(CommandLine.arguments[2], preparedOnDecodingThreads: true)
    print("\(run.seconds) s")
    exit(0)
}

// Profile mode: only decode PATH into batches, with the attributes the analyzer reads (the floor of the above).
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--decode-batches" {
    let keys = try SpanAnalyzer(registry: MetricsRegistry()).attributeKeys
    let start = now()
    var spans = 0
    for case .spans(let batch) in try LogBatchReader(path: CommandLine.arguments[2], attributes: keys) {
        spans += batch.count
    }
    print("\(now() - start) s")
    exit(spans > 0 ? 0 : 1)
}

// Profile mode: write a log of N workload spans to PATH.
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "--write" {
    try generateLog(path: CommandLine.arguments[2], count: Int(CommandLine.arguments[3]) ?? 1_000_000)
    exit(0)
}

// Profile mode: only the live analyzer over in-memory spans, for perf/callgrind.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--profile-live" {
    let recorder = TraceRecorder(TraceConfiguration(service: "bench"))
    let spans = Workload.spans(count: Int(CommandLine.arguments[2]) ?? 100_000, scheme: recorder.identifiers, seed: 99)
    for _ in 0..<5 {
        let analyzer = try SpanAnalyzer(registry: MetricsRegistry())
        for span in spans { analyzer.consume(span) }
    }
    exit(0)
}

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
let directory = NSTemporaryDirectory() + "analysis-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let logPath = directory + "/workload.tklog"
try generateLog(path: logPath, count: count)
let logBytes = (try FileManager.default.attributesOfItem(atPath: logPath)[.size] as? NSNumber)?.intValue ?? 0
print("AnalysisBenchmarks: \(count) spans, log \(logBytes) bytes (\(Double(logBytes) / Double(count)) B/span)")

/// Replays `path` without deriving anything: the decoding part of replay + derive.
func replayOnly(_ path: String) throws -> Double {
    let start = now()
    var spans = 0
    for entry in try LogReader(path: path) {
        if case .span = entry { spans += 1 }
    }
    return now() - start
}

/// Replays `path` into a fresh analyzer a block at a time (`LogBatchReader`, `consume(_: SpanBatch)`); with
/// `projected`, only the attributes the analyzer reads are decoded.
func replayAndDeriveBatches(_ path: String, projected: Bool = true, preparedOnDecodingThreads: Bool = false) throws
    -> (seconds: Double, registry: MetricsRegistry)
{
    let registry = MetricsRegistry()
    let analyzer = try SpanAnalyzer(registry: registry)
    let start = now()
    let attributes = projected ? analyzer.attributeKeys : nil
    if preparedOnDecodingThreads {
        let reader = try LogBatchReader(path: path, attributes: attributes, preparingFor: analyzer)
        for case .spans(let batch) in reader { analyzer.consumePrepared(batch) }
    } else {
        for case .spans(let batch) in try LogBatchReader(path: path, attributes: attributes) { analyzer.consume(batch) }
    }
    return (now() - start, registry)
}

/// Replays `path` into `SpanBatch`es (no `SpanRecord`), touching every span's duration and shape.
func replayBatchesOnly(_ path: String) throws -> Double {
    let start = now()
    var checksum: UInt64 = 0
    for case .spans(let batch) in try LogBatchReader(path: path) {
        for index in 0..<batch.count {
            checksum &+= batch.durationNanoseconds[index] &+ UInt64(batch.shapeIndexes[index])
        }
    }
    if checksum == 42 { print("") }
    return now() - start
}

// 1. Replay + derive against gzip -dc on the same file, interleaved.
var replayRuns: [Double] = []
var sequentialRuns: [Double] = []
var decodeRuns: [Double] = []
var batchRuns: [Double] = []
var batchDeriveRuns: [Double] = []
var batchDeriveAllRuns: [Double] = []
var batchPreparedRuns: [Double] = []
var gzipRuns: [Double] = []
var startRuns: [Double] = []
var registry = MetricsRegistry()
for _ in 0..<5 {
    let run = try replayAndDerive(logPath)
    replayRuns.append(run.seconds)
    registry = run.registry
    let sequential = try replayAndDerive(logPath, parallel: false)
    sequentialRuns.append(sequential.seconds)
    guard sequential.registry.exposition(.prometheusText) == registry.exposition(.prometheusText) else {
        print("replay with and without preparation on the decoding threads derived different metrics")
        exit(1)
    }
    decodeRuns.append(try replayOnly(logPath))
    batchRuns.append(try replayBatchesOnly(logPath))
    let batchDerive = try replayAndDeriveBatches(logPath)
    batchDeriveRuns.append(batchDerive.seconds)
    let batchDeriveAll = try replayAndDeriveBatches(logPath, projected: false)
    batchDeriveAllRuns.append(batchDeriveAll.seconds)
    let batchPrepared = try replayAndDeriveBatches(logPath, preparedOnDecodingThreads: true)
    batchPreparedRuns.append(batchPrepared.seconds)
    for run in [batchDerive, batchDeriveAll, batchPrepared]
    where run.registry.exposition(.prometheusText) != registry.exposition(.prometheusText) {
        print("replay + derive from batches derived different metrics")
        exit(1)
    }
    gzipRuns.append(gzipSeconds(logPath))
    // What starting a process this way costs, measured with a program that does nothing.
    startRuns.append(processSeconds("/bin/true", []))
}
let decodeMedian = median(decodeRuns)
let replayMedian = median(replayRuns)
let gzipMedian = median(gzipRuns)
print("\n| case | median | spans/s |")
print("|---|---:|---:|")
print(
    "| replay + derive (LogReader preparing for SpanAnalyzer) | \(replayMedian) s | \(Int(Double(count) / replayMedian)) |"
)
let sequentialMedian = median(sequentialRuns)
print(
    "| replay + derive, all derivation on the calling thread | \(sequentialMedian) s | \(Int(Double(count) / sequentialMedian)) |"
)
print("| replay only (LogReader, decode every span) | \(decodeMedian) s | \(Int(Double(count) / decodeMedian)) |")
let batchMedian = median(batchRuns)
let batchDeriveMedian = median(batchDeriveRuns)
let batchDeriveAllMedian = median(batchDeriveAllRuns)
print(
    "| replay + derive from batches (LogBatchReader -> SpanAnalyzer.consume(batch)), every attribute decoded | "
        + "\(batchDeriveAllMedian) s | \(Int(Double(count) / batchDeriveAllMedian)) |")
print(
    "| replay + derive from batches, only the attributes the analyzer reads decoded | \(batchDeriveMedian) s | "
        + "\(Int(Double(count) / batchDeriveMedian)) |")
let batchPreparedMedian = median(batchPreparedRuns)
print(
    "| replay + derive from batches, attributes read, all but self time prepared on the decoding threads "
        + "(what `tracekit metrics` does) | \(batchPreparedMedian) s | \(Int(Double(count) / batchPreparedMedian)) |")
print(
    "| replay only into batches (LogBatchReader, no SpanRecord) | \(batchMedian) s | \(Int(Double(count) / batchMedian)) |"
)
print("| gzip -dc > /dev/null, same file | \(gzipMedian) s | \(Int(Double(count) / gzipMedian)) |")
// gzip's time without the start of its process (as /bin/true starts), the stricter peer for the ratios below.
let gzipWorkMedian = max(gzipMedian - median(startRuns), 1e-6)
print(
    "| gzip -dc, less process start (/bin/true started the same way: \(median(startRuns)) s) | \(gzipWorkMedian) s | \(Int(Double(count) / gzipWorkMedian)) |"
)
print("| speed of replay + derive relative to gzip -dc | \(gzipMedian / replayMedian)x | target >= 0.5x |")
print(
    "| speed of replay + derive from batches (every attribute) relative to gzip -dc | "
        + "\(gzipMedian / batchDeriveAllMedian)x; less gzip's process start: \(gzipWorkMedian / batchDeriveAllMedian)x | target >= 0.5x |"
)
print(
    "| speed of replay + derive from batches (attributes read) relative to gzip -dc | "
        + "\(gzipMedian / batchDeriveMedian)x; less gzip's process start: \(gzipWorkMedian / batchDeriveMedian)x | target >= 0.5x |"
)
print(
    "| speed of replay + derive from batches (attributes read, prepared on the decoding threads) relative to gzip -dc | "
        + "\(gzipMedian / batchPreparedMedian)x; less gzip's process start: \(gzipWorkMedian / batchPreparedMedian)x | target >= 0.5x |"
)
print(
    "derived families: \(registry.familyNames.count), exposition \(registry.exposition(.prometheusText).utf8.count) bytes"
)

// 2. The live analyzer's cost per span (spans already in memory, one thread).
let recorder = TraceRecorder(TraceConfiguration(service: "bench"))
let inMemory = Workload.spans(count: 200_000, scheme: recorder.identifiers, seed: 99)
var liveRuns: [Double] = []
for _ in 0..<5 {
    let analyzer = try SpanAnalyzer(registry: MetricsRegistry())
    let start = now()
    for span in inMemory { analyzer.consume(span) }
    liveRuns.append((now() - start) / Double(inMemory.count) * 1e9)
}
print("\n| live SpanAnalyzer.consume, per span (median of 5 x 200k) | \(median(liveRuns)) ns |")

// 3. Peak memory replaying logs of 1/10 the size and of the full size, each in a fresh child process.
func childReplay(_ path: String, mode: String = "--replay") -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = [mode, path]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return "failed: \(error)" }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
let smallPath = directory + "/small.tklog"
try generateLog(path: smallPath, count: max(1, count / 10))
print("\n| peak RSS replaying | spans seconds peak-MB |")
print("|---|---|")
print("| \(count / 10) spans, records (LogReader preparing) | \(childReplay(smallPath)) |")
print("| \(count) spans, records (LogReader preparing) | \(childReplay(logPath)) |")
print("| \(count / 10) spans, batches (as tracekit metrics) | \(childReplay(smallPath, mode: "--replay-batches")) |")
print("| \(count) spans, batches (as tracekit metrics) | \(childReplay(logPath, mode: "--replay-batches")) |")
