// DemoTests: `tracekit demo` writes a log, replays it and prints the seed's derived metrics and a summary.

import Foundation
import Testing

@Suite struct DemoTests {
    @Test func demoWritesALogAndPrintsTheDerivedMetrics() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("demo.tklog")
        let result = try CLIProcess.tracekit(["demo", "--output", log, "--spans", "600"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: log))
        let text = result.text
        for family in [
            "kernel_syscalls_total", "kernel_syscall_permission_denied_total", "kernel_syscall_duration_seconds_bucket",
            "backend_http_requests_total", "backend_http_request_duration_seconds_bucket", "ai_ui_requests_total",
            "ai_ui_duration_seconds_bucket", "ai_chat_requests_total", "ai_llm_calls_total", "ai_cache_hits_total",
            "ui_tool_executions_total", "traces_span_metrics_calls_total",
        ] {
            #expect(text.contains("\n\(family){"), "missing \(family)")
        }
        #expect(text.contains("derived from the replay are identical to those derived live"))
        // "spans:    N written, N replayed, 0 damaged block(s), 0 dropped"
        let spansLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("spans:") })
        let numbers = spansLine.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 4)
        #expect(numbers[0] >= 600)
        #expect(numbers[0] == numbers[1], "written and replayed differ: \(spansLine)")
        #expect(numbers[2] == 0 && numbers[3] == 0)

        // The log it leaves behind is intact and holds exactly the spans it reported.
        let verify = try CLIProcess.tracekit(["verify", log])
        #expect(verify.status == 0)
        #expect(verify.text.contains("intact: \(numbers[0]) spans"))
    }

    @Test func demoRefusesToOverwriteAFileThatIsNotATraceLog() throws {
        let directory = try TemporaryDirectory()
        let precious = directory.file("notes.txt")
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: precious))
        let result = try CLIProcess.tracekit(["demo", "--output", precious, "--spans", "10"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(precious) && result.stderr.contains("not a TraceKit log"))
        #expect(try String(contentsOfFile: precious, encoding: .utf8) == "keep me\n")
    }

    @Test func aBadFlagIsAUsageErrorWithExitStatus64() throws {
        let result = try CLIProcess.tracekit(["stats", "--no-such-flag", "x.tklog"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--no-such-flag"))
        let help = try CLIProcess.tracekit(["--help"])
        #expect(help.status == 0)
        #expect(help.text.contains("EXIT CODES") && help.text.contains("64"))
    }
}
