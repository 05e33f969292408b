// ProcessTests: a writer killed with SIGKILL loses nothing it flushed; a full disk is reported, not fatal.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite(.serialized) struct ProcessTests {
    /// The span the child writes as number `index` (kept in step with Tests/TraceLogCrashChild/main.swift).
    static func childSpan(_ index: Int) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 7, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
            name: "child.op.\(index % 7)", startUnixNanoseconds: 1_700_000_000_000_000_000 + UInt64(index) * 1000,
            durationNanoseconds: UInt64(index % 1000), attributes: ["index": .int(Int64(index))])
    }

    @Test(arguments: [4, 9, 15])
    func aChildKilledWithSIGKILLLosesNoSpanItWasToldWasFlushed(flushesBeforeKill: Int) async throws {
        // The child is driven from a thread of its own, off the Swift concurrency pool.
        try await offPool { try Self.killChild(afterFlushes: flushesBeforeKill) }
    }

    static func killChild(afterFlushes flushesBeforeKill: Int) throws {
        guard let child = ChildProcess.crashChildPath else {
            Issue.record("TraceLogCrashChild was not built; run `swift build --build-tests` first")
            return
        }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("crash.tklog")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: child)
        process.arguments = ["crash", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var text = ""
        var flushes = 0
        while flushes < flushesBeforeKill {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            flushes = text.split(separator: "\n").filter { $0.hasPrefix("flushed ") }.count
        }
        // Kill mid-run: the child keeps consuming and flushing while the signal lands.
        usleep(UInt32.random(in: 0...3000))
        kill(process.processIdentifier, SIGKILL)
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let acknowledged =
            text.split(separator: "\n").compactMap { line -> Int? in
                line.hasPrefix("flushed ") ? Int(line.dropFirst(8)) : nil
            }.max() ?? 0
        #expect(acknowledged > 0)

        let entries = Array(try LogReader(path: path))
        let spans = entries.spans
        #expect(spans.count >= acknowledged, "child acknowledged \(acknowledged) flushed spans")
        #expect(spans == (0..<spans.count).map(Self.childSpan))
        // The only damage a kill can leave is a torn block at the very end.
        let size = Int64(TestFiles.bytes(path).count)
        for damage in entries.damages {
            #expect(damage.offset + damage.length == size, "damage \(damage) is not at the tail")
        }
        // And a writer reopening the log cuts exactly that tail and keeps every span.
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        #expect(writer.recovery.discardedBytes == entries.damages.reduce(0) { $0 + $1.length })
        writer.shutdown()
        let reopened = Array(try LogReader(path: path))
        #expect(reopened.spans == spans)
        #expect(reopened.damages.isEmpty)
    }

    // ThreadSanitizer's own runtime dies with SIGBUS in a child under RLIMIT_FSIZE, before TraceKit runs; the
    // sanitizer run (`Scripts/tsan.sh`) sets TRACEKIT_SANITIZER so that this one test is left to normal runs.
    @Test(.disabled(if: ProcessInfo.processInfo.environment["TRACEKIT_SANITIZER"] != nil))
    func aFullDiskIsReportedCountedAndTheApplicationKeepsRunning() async throws {
        guard let child = ChildProcess.crashChildPath else {
            Issue.record("TraceLogCrashChild was not built; run `swift build --build-tests` first")
            return
        }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("full.tklog")
        // `ulimit -f 64`: the file may not grow beyond 64 KiB; writes past it fail with EFBIG.
        let output = try await ChildProcess.run(
            "/bin/bash", ["-c", "ulimit -f 64; exec \"$0\" fill \"$1\"", child, path])
        let lines = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        func value(_ key: String) -> UInt64? {
            lines.first { $0.hasPrefix(key + " ") }.flatMap { UInt64($0.dropFirst(key.count + 1)) }
        }
        #expect(output.status == 0, "stderr: \(output.stderr)")
        #expect(lines.last == "alive")
        let written = try #require(value("written"))
        let lost = try #require(value("lost"))
        #expect(written > 0)
        #expect(lost > 0)
        #expect(written + lost == 4000)
        #expect((value("writeErrors") ?? 0) > 0)
        #expect((value("callbacks") ?? 0) >= (value("writeErrors") ?? 0))
        #expect(lines.contains { $0.hasPrefix("lastError") && $0.contains("errno \(EFBIG)") })
        let bytes = TestFiles.bytes(path)
        #expect(bytes.count <= 64 * 1024)
        let entries = Array(try LogReader(path: path))
        #expect(UInt64(entries.spans.count) == written)
        #expect(entries.damages.isEmpty)
    }

    @Test func bootstrappingWithALogFileWritesSpansWithCounterCodedIds() async throws {
        guard let child = ChildProcess.crashChildPath else {
            Issue.record("TraceLogCrashChild was not built; run `swift build --build-tests` first")
            return
        }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("bootstrapped.tklog")
        let output = try await ChildProcess.run(child, ["bootstrap", path])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let reader = try LogReader(path: path)
        let entries = Array(reader)
        let spans = entries.spans
        #expect(spans.count == 300)
        #expect(Set(spans.map(\.name)) == ["request", "step", "leaf"])
        #expect(reader.sawEndOfFileMarker)
        // Every leaf's parent is a step, every step's parent a request, all in the request's trace.
        let byID = Dictionary(uniqueKeysWithValues: spans.map { ($0.spanID, $0) })
        for span in spans where span.name != "request" {
            let parent = try #require(span.parentSpanID.flatMap { byID[$0] })
            #expect(parent.traceID == span.traceID)
            #expect(parent.name == (span.name == "leaf" ? "step" : "request"))
        }
        // Counter-coded ids: raw ids alone would take 32 bytes a span in the payload.
        let payload = try PeerToolTests.payloads(path)
        #expect(payload.count / spans.count < 20, "\(payload.count) payload bytes for \(spans.count) spans")
    }

    @Test func spansRecordedBeforeReturningFromMainWithoutShutdownReachTheLog() async throws {
        let child = try #require(ChildProcess.crashChildPath, "TraceLogCrashChild was not built")
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("forgetful.tklog")
        let output = try await ChildProcess.run(child, ["exit-without-shutdown", path])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        let reader = try LogReader(path: path)
        let entries = Array(reader)
        #expect(entries.spans.count == 300)
        #expect(entries.damages.isEmpty)
        #expect(reader.sawEndOfFileMarker)
    }

    @Test func aFailedBootstrapCreatesNoLogAndShutdownAllowsANewBootstrap() async throws {
        let child = try #require(ChildProcess.crashChildPath, "TraceLogCrashChild was not built")
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("first.tklog")
        let output = try await ChildProcess.run(child, ["rebootstrap", path])
        let lines = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(output.status == 0, "stderr: \(output.stderr)")
        #expect(lines.contains { $0.hasPrefix("second bootstrap failed: TraceSystem.bootstrap called twice") })
        #expect(lines.contains("second log exists after the failed bootstrap: false"))
        #expect(lines.contains("uninstalled: true"))
        #expect(lines.contains("recording after shutdown: false"))
        #expect(lines.contains("old recorder records: false"))
        // The first log recorded no span and is still a valid log; the second has the new recorder's spans.
        let first = try LogReader(path: path)
        let firstEntries = Array(first)
        #expect(firstEntries.spans.isEmpty)
        #expect(firstEntries.damages.isEmpty)
        #expect(first.sawEndOfFileMarker)
        #expect(firstEntries.contains { if case .header = $0 { true } else { false } })
        let second = Array(try LogReader(path: path + ".second"))
        #expect(second.spans.map(\.name) == Array(repeating: "again", count: 10))
    }

    @Test func theExitHookGivesUpOnAStuckSinkAfterItsTimeout() async throws {
        let child = try #require(ChildProcess.crashChildPath, "TraceLogCrashChild was not built")
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("stuck.tklog")
        // Without a bound the child would never exit; 120 s is only where the test gives up (the hook waits 1 s).
        let output = try await ChildProcess.run(child, ["stuck-at-exit", path], killAfter: .seconds(120))
        #expect(output.status == 0, "the child did not exit by itself; stderr: \(output.stderr)")
        // The log writer comes before the stuck sink, so it was shut down completely.
        let reader = try LogReader(path: path)
        #expect(Array(reader).spans.count == 10)
        #expect(reader.sawEndOfFileMarker)
    }
}
