// ProgressTests: the progress bar shows on a terminal for a large log, never in a pipe unless asked for.

import Foundation
import Testing
import TraceKit
import TraceLog

@Suite struct ProgressTests {
    /// About 5 MB of log: spans carrying 2 KB of random hex each, which compresses only about in half.
    static func writeLargeLog(to path: String) throws {
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "progress-test"))
        var state: UInt64 = 0x1234_5678
        for index in 0..<5_000 {
            var payload = ""
            for _ in 0..<128 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                payload += String(state >> 1, radix: 16)
            }
            writer.consume(
                SpanRecord(
                    traceID: TraceID(high: 1, low: UInt64(index + 1)), spanID: SpanID(rawValue: UInt64(index + 1)),
                    name: "upload", startUnixNanoseconds: 1_764_000_000_000_000_000 + UInt64(index) * 1_000,
                    durationNanoseconds: 500_000, attributes: ["payload": .string(payload)]))
        }
        writer.shutdown()
    }

    @Test func aLargeReplayDrawsTheBarOnATerminalAndNothingInAPipe() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("large.tklog")
        try Self.writeLargeLog(to: log)
        #expect(LogFixtureSize.of(log) > 4 << 20)

        let piped = try CLIProcess.tracekit(["stats", log])
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty, "a pipe gets no progress bar: \(piped.stderr)")

        guard let script = CLIProcess.which("script"), let binary = CLIProcess.tracekitPath else {
            _ = CLIProcess.require(false, "script (Debian package bsdutils) to give tracekit a terminal")
            return
        }
        // `script` runs the command on a pseudo-terminal; stdout goes to /dev/null, so what comes back is stderr.
        let terminal = try CLIProcess.run(script, ["-qec", "'\(binary)' stats '\(log)' > /dev/null", "/dev/null"])
        #expect(terminal.status == 0, "\(terminal.stderr)")
        let tenths = Int((Double(LogFixtureSize.of(log)) / 100_000).rounded())
        let total = " MB / \(tenths / 10).\(tenths % 10) MB"
        #expect(terminal.text.hasPrefix("\r["), "no bar drawn: \(terminal.text)")
        #expect(terminal.text.contains(total), "expected the total \(total): \(terminal.text)")
        #expect(terminal.text.contains("\u{1B}[K"), "the bar's line is cleared at the end")
    }

    @Test func progressAlwaysDrawsEvenInAPipeAndNeverStaysQuiet() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("small.tklog")
        try LogFixture(traceCount: 3).write(to: log)
        let always = try CLIProcess.tracekit(["replay", "--progress", "always", log])
        #expect(always.status == 0)
        #expect(always.stderr.contains("[##############################] 100%"))
        let never = try CLIProcess.tracekit(["verify", "--progress", "never", log])
        #expect(never.status == 0)
        #expect(never.stderr.isEmpty)
        let bad = try CLIProcess.tracekit(["replay", "--progress", "sometimes", log])
        #expect(bad.status == 64)
    }
}

enum LogFixtureSize {
    static func of(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
