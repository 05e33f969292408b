// TraceLogCrashChild: a child process for the trace log's crash and full-disk tests.
//
// Usage: TraceLogCrashChild crash <path>      writes spans forever, printing "flushed N" after each flush
//        TraceLogCrashChild fill <path>       writes until the file-size limit bites, then prints its counters
//        TraceLogCrashChild bootstrap <path>  bootstraps TraceSystem with a log and records 300 spans
//        TraceLogCrashChild exit-without-shutdown <path>   the same, then returns from main without shutdown()
//        TraceLogCrashChild rebootstrap <path>  a failed second bootstrap to <path>.second, then shutdown() and a
//                                               new bootstrap to <path>.second that records 10 spans
//        TraceLogCrashChild stuck-at-exit <path>  records 10 spans to a log and exits without shutdown() while
//                                                 another sink's shutdown never returns

import TraceKit
import TraceLog

#if canImport(Glibc)
    import Glibc
#endif

/// The deterministic span number `index`; the tests rebuild the same spans to compare.
func childSpan(_ index: Int, padding: Int = 0) -> SpanRecord {
    var attributes: TraceAttributes = ["index": .int(Int64(index))]
    if padding > 0 {
        // Poorly compressible text, so a small file-size limit is reached quickly.
        var state = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 | 1
        let bytes = (0..<padding).map { _ -> UInt8 in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(97 + state % 26)
        }
        attributes["padding"] = .string(String(decoding: bytes, as: UTF8.self))
    }
    return SpanRecord(
        traceID: TraceID(high: 7, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
        name: "child.op.\(index % 7)", startUnixNanoseconds: 1_700_000_000_000_000_000 + UInt64(index) * 1000,
        durationNanoseconds: UInt64(index % 1000), attributes: attributes)
}

func say(_ line: String) {
    print(line)
    fflush(nil)  // all streams; naming `stdout` is not concurrency-safe in Swift 6
}

/// A sink whose shutdown never returns, as one stuck in I/O on a hung disk.
final class StuckSink: SpanSink {
    func consume(_ span: SpanRecord) {}
    func shutdown() {
        while true { sleep(1000) }
    }
}

/// The README's program: bootstrap with a log, trace, and (in some modes) nothing else.
func recordRequests(_ count: Int) {
    for index in 0..<count {
        traceOperation("request", ["index": .int(Int64(index))]) {
            traceOperation("step") { traceOperation("leaf") {} }
        }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    say("usage: TraceLogCrashChild crash|fill <path>")
    exit(2)
}
let path = arguments[2]
let resource = Resource(serviceName: "crash-child")

switch arguments[1] {
case "crash":
    var options = LogWriterOptions()
    options.flushInterval = .seconds(3600)
    let writer: LogWriter
    do {
        writer = try LogWriter(path: path, resource: resource, options: options)
    } catch {
        say("error \(error)")
        exit(1)
    }
    var index = 0
    while true {
        for _ in 0..<Int.random(in: 1...300) {
            writer.consume(childSpan(index))
            index += 1
        }
        if Bool.random() {
            writer.flush()
            say("flushed \(index)")
        }
        usleep(UInt32.random(in: 0...2000))
    }
case "fill":
    // Without this, exceeding `ulimit -f` kills the process with SIGXFSZ instead of failing write with EFBIG.
    signal(SIGXFSZ, SIG_IGN)
    let errors = ErrorLog()
    let writer: LogWriter
    do {
        writer = try LogWriter(path: path, resource: resource, onError: { errors.append($0) })
    } catch {
        say("error \(error)")
        exit(1)
    }
    for index in 0..<4000 {
        writer.consume(childSpan(index, padding: 200))
        if index % 100 == 99 { writer.flush() }
    }
    writer.shutdown()
    let statistics = writer.statistics
    say("written \(statistics.spansWritten)")
    say("lost \(statistics.spansLost)")
    say("writeErrors \(statistics.writeErrors)")
    say("callbacks \(errors.count)")
    say("lastError \(writer.lastError.map { "\($0)" } ?? "none")")
    say("alive")
case "bootstrap":
    // The one-line set-up from DESIGN.md: the writer adopts the recorder's id keys by itself.
    do {
        try TraceSystem.bootstrap(TraceConfiguration(service: "bootstrapped", log: .file(path)))
    } catch {
        say("error \(error)")
        exit(1)
    }
    recordRequests(100)
    TraceSystem.recorder?.shutdown()
    say("done")
case "exit-without-shutdown":
    do {
        try TraceSystem.bootstrap(TraceConfiguration(service: "forgetful", log: .file(path)))
    } catch {
        say("error \(error)")
        exit(1)
    }
    recordRequests(100)
    say("done")
case "rebootstrap":
    let second = path + ".second"
    do {
        try TraceSystem.bootstrap(TraceConfiguration(service: "first", log: .file(path)))
    } catch {
        say("error \(error)")
        exit(1)
    }
    do {
        try TraceSystem.bootstrap(TraceConfiguration(service: "second", log: .file(second)))
        say("second bootstrap succeeded")
    } catch {
        say("second bootstrap failed: \(error)")
    }
    say("second log exists after the failed bootstrap: \(access(second, F_OK) == 0)")
    let first = TraceSystem.recorder
    TraceSystem.shutdown()
    say("uninstalled: \(TraceSystem.recorder == nil)")
    let stillRecording = traceOperation("after-shutdown") { span in span.isRecording }
    say("recording after shutdown: \(stillRecording)")
    if let first {
        let recorded = TraceSystem.withRecorder(first) { traceOperation("stale") { span in span.isRecording } }
        say("old recorder records: \(recorded)")
    }
    do {
        try TraceSystem.bootstrap(TraceConfiguration(service: "second", log: .file(second)))
    } catch {
        say("error \(error)")
        exit(1)
    }
    for index in 0..<10 { traceOperation("again", ["index": .int(Int64(index))]) {} }
    TraceSystem.shutdown()
    say("done")
case "stuck-at-exit":
    do {
        var configuration = try TraceConfiguration(service: "stuck", log: .file(path), sinks: [StuckSink()])
        configuration.shutdownTimeoutAtExit = .seconds(1)
        try TraceSystem.bootstrap(configuration)
    } catch {
        say("error \(error)")
        exit(1)
    }
    for index in 0..<10 { traceOperation("before-exit", ["index": .int(Int64(index))]) {} }
    say("done")
default:
    say("unknown mode \(arguments[1])")
    exit(2)
}
