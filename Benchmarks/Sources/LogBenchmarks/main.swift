// LogBenchmarks: bytes per span, writer CPU per span and replay speed of the trace log, against its peers
// (gzip -dc on the same file, gzip'd Chrome trace JSON and gzip'd OTLP protobuf of the same spans), in one run.
//
// Run: swift run -c release --package-path Benchmarks LogBenchmarks [span count, default 300000]

import BenchmarkSupport
import Foundation
import TraceKit
import TraceLog

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

/// CPU seconds of reaped child processes so far.
func childCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
        + Double(usage.ru_stime.tv_usec) / 1e6
}

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// Runs a tool with stdout to /dev/null (or captured) and returns (seconds, captured stdout bytes).
func runTool(_ path: String, _ arguments: [String], capture: Bool = false) -> (Double, Int) {
    // Timed exactly: `Process.waitUntilExit` notices an exit only at a poll about every 50 ms.
    if !capture { return (processSeconds(path, arguments), 0) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = capture ? pipe : FileHandle(forWritingAtPath: "/dev/null")
    let started = now()
    do { try process.run() } catch { return (.nan, 0) }
    let count = capture ? pipe.fileHandleForReading.readDataToEndOfFile().count : 0
    process.waitUntilExit()
    return (now() - started, count)
}

// For profiling: `LogBenchmarks replay-batches FILE` only decodes FILE into batches five times.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "replay-batches" {
    var spans = 0
    for _ in 0..<5 {
        for case .spans(let batch) in try LogBatchReader(path: CommandLine.arguments[2]) { spans += batch.count }
    }
    print("\(spans) spans")
    exit(0)
}

// For profiling: `LogBenchmarks replay FILE` only decodes FILE five times.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "replay" {
    var spans = 0
    for _ in 0..<5 {
        for entry in try LogReader(path: CommandLine.arguments[2]) { if case .span = entry { spans += 1 } }
    }
    print("\(spans) spans")
    exit(0)
}

let count = CommandLine.arguments.dropFirst().last.flatMap { Int($0) } ?? 300_000
let directory = NSTemporaryDirectory() + "tracelog-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer {
    if ProcessInfo.processInfo.environment["KEEP_BENCH_FILES"] == nil {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

let recorder = TraceRecorder(TraceConfiguration(service: "bench"))
let spans = Workload.spans(count: count, scheme: recorder.identifiers)
let resource = Resource(serviceName: "bench", hostName: "bench-host", processID: 1, processStartUnixNanoseconds: 0)
print(
    "workload: \(spans.count) spans, \(Set(spans.map(\.name)).count) distinct names, "
        + "\(String(format: "%.2f", Double(spans.map(\.attributes.count).reduce(0, +)) / Double(spans.count))) attributes/span"
)

func perSpan(_ bytes: Int) -> String { String(format: "%.2f B/span", Double(bytes) / Double(spans.count)) }
func nanos(_ seconds: Double) -> String { String(format: "%.0f ns", seconds * 1e9) }

struct WriterRun {
    var level: Int
    var path: String
    var cpuPerSpan: Double
    var consumePerSpan: Double
    var wallPerSpan: Double
    var bytes: Int
}

func writeLog(level: Int) throws -> WriterRun {
    let path = directory + "/bench-\(level).tklog"
    var options = LogWriterOptions()
    options.compressionLevel = level
    options.identifiers = recorder.identifiers
    options.overflowPolicy = .blockCaller
    options.bufferCapacity = 16384
    let cpuBefore = cpuSeconds()
    let wallBefore = now()
    let writer = try LogWriter(path: path, resource: resource, options: options)
    for span in spans { writer.consume(span) }
    let consumed = now()
    writer.shutdown()
    let wall = now() - wallBefore
    let cpu = cpuSeconds() - cpuBefore
    precondition(writer.statistics.spansWritten == UInt64(spans.count), "the writer lost spans")
    return WriterRun(
        level: level, path: path, cpuPerSpan: cpu / Double(spans.count),
        consumePerSpan: (consumed - wallBefore) / Double(spans.count), wallPerSpan: wall / Double(spans.count),
        bytes: fileSize(path))
}

/// The caller's cost of `consume` alone: 300 bursts of the same 1000 spans (cache-hot, as a span that has just
/// finished is) into a buffer with room for them; the writer thread drains between bursts, as it would between
/// bursts in a service. Median nanoseconds per span over the bursts.
func consumeHotPath() throws -> Double {
    var options = LogWriterOptions()
    options.identifiers = recorder.identifiers
    options.bufferCapacity = 4096
    let writer = try LogWriter(path: directory + "/hot.tklog", resource: resource, options: options)
    let burst = Array(spans.prefix(1000))
    var perSpan: [Double] = []
    for _ in 0..<300 {
        let started = now()
        for span in burst { writer.consume(span) }
        perSpan.append((now() - started) / Double(burst.count))
        writer.flush()
    }
    writer.shutdown()
    precondition(writer.statistics.spansDropped == 0, "the hot-path run dropped spans")
    perSpan.sort()
    return perSpan[perSpan.count / 2]
}

/// Decodes every span of `path` once; returns wall seconds, CPU seconds (all threads) and the span count.
func replayOnce(_ path: String) throws -> (seconds: Double, cpu: Double, spans: Int) {
    let cpuStarted = cpuSeconds()
    let started = now()
    var spanCount = 0
    var checksum: UInt64 = 0
    for entry in try LogReader(path: path) {
        if case .span(let span) = entry {
            spanCount += 1
            checksum &+= span.durationNanoseconds &+ UInt64(span.attributes.count)
        }
    }
    let seconds = now() - started
    let cpu = cpuSeconds() - cpuStarted
    if checksum == 42 { print("") }  // keeps the decode from being optimised away
    return (seconds, cpu, spanCount)
}

/// Reads `path` a block at a time (`LogBatchReader`): every span decoded into its block's columns, no
/// `SpanRecord`; touches every span's duration, shape and values so nothing is skipped.
func replayBatchesOnce(_ path: String) throws -> (seconds: Double, cpu: Double, spans: Int) {
    let cpuStarted = cpuSeconds()
    let started = now()
    var spanCount = 0
    var checksum: UInt64 = 0
    for case .spans(let batch) in try LogBatchReader(path: path) {
        spanCount += batch.count
        for index in 0..<batch.count {
            checksum &+= batch.durationNanoseconds[index] &+ UInt64(batch.shapeIndexes[index])
        }
        checksum &+= UInt64(batch.values.count)
    }
    let seconds = now() - started
    let cpu = cpuSeconds() - cpuStarted
    if checksum == 42 { print("") }  // keeps the decode from being optimised away
    return (seconds, cpu, spanCount)
}

/// Replay (records and batches) and `gzip -dc` of the same file, interleaved so all see the same machine load;
/// best of 7 each, by wall-clock time and by CPU time.
func replayAgainstGzip(_ path: String) throws -> (
    replay: Double, replayCPU: Double, gzip: Double, gzipCPU: Double, batches: Double, batchesCPU: Double
) {
    var replay = Double.infinity
    var replayCPU = Double.infinity
    var gzip = Double.infinity
    var gzipCPU = Double.infinity
    var batches = Double.infinity
    var batchesCPU = Double.infinity
    for _ in 0..<7 {
        let run = try replayOnce(path)
        precondition(run.spans == spans.count, "replay returned \(run.spans) spans")
        replay = min(replay, run.seconds)
        replayCPU = min(replayCPU, run.cpu)
        let batchRun = try replayBatchesOnce(path)
        precondition(batchRun.spans == spans.count, "batch replay returned \(batchRun.spans) spans")
        batches = min(batches, batchRun.seconds)
        batchesCPU = min(batchesCPU, batchRun.cpu)
        let childBefore = childCPUSeconds()
        gzip = min(gzip, runTool("/usr/bin/gzip", ["-dc", path]).0)
        gzipCPU = min(gzipCPU, childCPUSeconds() - childBefore)
    }
    return (replay, replayCPU, gzip, gzipCPU, batches, batchesCPU)
}

func gzippedSize(_ bytes: [UInt8], name: String) -> Int {
    let path = directory + "/" + name
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return runTool("/usr/bin/gzip", ["-6", "-c", path], capture: true).1
}

// For profiling: `LogBenchmarks write N` only generates and writes.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "write" {
    let run = try writeLog(level: 6)
    print("\(nanos(run.cpuPerSpan)) CPU/span, \(perSpan(run.bytes))")
    exit(0)
}

// For profiling: `LogBenchmarks consume N` only measures the hot path.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "consume" {
    print("\(nanos(try consumeHotPath())) per consume")
    exit(0)
}

let runs = [try writeLog(level: 6), try writeLog(level: 1)]
let main = runs[0]
let (replaySeconds, replayCPU, gzipSeconds, gzipCPU, batchSeconds, batchCPU) = try replayAgainstGzip(main.path)
let hotPath = try consumeHotPath()
let inflatedBytes = runTool("/usr/bin/gzip", ["-dc", main.path], capture: true).1
let chrome = ChromeTrace.document(spans)
let chromeGz = gzippedSize(chrome, name: "trace.json")
let otlp = OTLPProtobuf.requests(spans, resource: resource)
let otlpGz = gzippedSize(otlp, name: "trace.otlp")

print("")
print("| measure | value | peer / target |")
print("|---|---|---|")
for run in runs {
    print("| log size, zlib level \(run.level) | \(perSpan(run.bytes)) (\(run.bytes) bytes) | |")
}
print("| gzip'd Chrome trace JSON (gzip -6) | \(perSpan(chromeGz)) (raw JSON \(perSpan(chrome.count))) | |")
print("| gzip'd OTLP protobuf (gzip -6, 512 spans/request) | \(perSpan(otlpGz)) (raw \(perSpan(otlp.count))) | |")
print(
    String(
        format: "| log / gzip'd Chrome JSON, level 6 | %.3f | target <= 0.25 |", Double(main.bytes) / Double(chromeGz)))
print(String(format: "| log / gzip'd OTLP, level 6 | %.3f | |", Double(main.bytes) / Double(otlpGz)))
for run in runs {
    print("| writer CPU per span (all threads, getrusage), level \(run.level) | \(nanos(run.cpuPerSpan)) | |")
    print(
        "| consume() on the caller per span (wall, blocking policy), level \(run.level) | \(nanos(run.consumePerSpan)) | |"
    )
}
print("| consume() alone, bursts of 1000 into a buffer with room (median per span) | \(nanos(hotPath)) | |")
func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1e3) }
let replayPerSpan = nanos(replaySeconds / Double(spans.count))
print("| replay: decode every span (wall, best of 7) | \(milliseconds(replaySeconds)), \(replayPerSpan)/span | |")
print("| replay CPU, all threads (best of 7) | \(milliseconds(replayCPU)) | |")
print("| gzip -dc, same file (wall, subprocess, best of 7, interleaved) | \(milliseconds(gzipSeconds)) | |")
print("| gzip -dc CPU (best of 7) | \(milliseconds(gzipCPU)) (\(inflatedBytes) bytes out) | |")
print(
    String(
        format: "| replay speed / gzip -dc speed, wall clock | %.2fx | target >= 0.5x |", gzipSeconds / replaySeconds))
print(String(format: "| replay speed / gzip -dc speed, CPU time | %.2fx | |", gzipCPU / replayCPU))
print(
    "| replay into batches (LogBatchReader, read-ahead): decode every span (wall / CPU, best of 7) | "
        + "\(milliseconds(batchSeconds)) / \(milliseconds(batchCPU)) | |")
print(
    String(
        format: "| batch replay speed / gzip -dc speed, wall clock | %.2fx | target >= 0.5x |",
        gzipSeconds / batchSeconds))
print(String(format: "| batch replay speed / gzip -dc speed, CPU time | %.2fx | |", gzipCPU / batchCPU))
