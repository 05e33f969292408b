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

    @Test func theSummaryListsEverySpanNameOfTheLog() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("summary.tklog")
        let demo = try CLIProcess.tracekit(["demo", "--output", log, "--spans", "1500"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let stats = try CLIProcess.tracekit(["stats", "--json", log])
        let rows = try #require(try JSONSerialization.jsonObject(with: stats.stdout) as? [[String: Any]])
        let names = rows.compactMap { $0["name"] as? String }
        #expect(names.count == 13, "the demo workload has 13 span names: \(names)")
        let summary = try #require(demo.text.components(separatedBy: "Top span names by total time:\n").last)
        let table = summary.components(separatedBy: "\n\nNext:")[0].split(separator: "\n").dropFirst()
        // Every name has its row, in the order of total time; none is folded into "(1 more name)".
        #expect(table.count == names.count)
        #expect(table.map { row in names.first { row.hasPrefix($0 + " ") } } == names.map { Optional($0) })
        #expect(!summary.contains("more name"))
    }

    @Test func theDemoShowsProgressWhenAskedOrOnATerminal() throws {
        let directory = try TemporaryDirectory()
        let always = try CLIProcess.tracekit(
            ["demo", "--output", directory.file("a.tklog"), "--spans", "300", "--progress", "always"])
        #expect(always.status == 0, "\(always.stderr)")
        #expect(always.stderr.contains("\rtracing ["), "\(always.stderr)")
        #expect(always.stderr.contains(" / 300 spans"))
        #expect(always.stderr.contains("\rreplaying [##############################] 100%"))
        let piped = try CLIProcess.tracekit(["demo", "--output", directory.file("p.tklog"), "--spans", "300"])
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty, "a pipe gets no progress: \(piped.stderr)")

        guard let script = CLIProcess.which("script"), let binary = CLIProcess.tracekitPath else {
            _ = CLIProcess.require(false, "script (Debian package bsdutils) to give tracekit a terminal")
            return
        }
        let log = directory.file("t.tklog")
        let small = try CLIProcess.run(
            script, ["-qec", "'\(binary)' demo -o '\(log)' --spans 300 > /dev/null", "/dev/null"])
        #expect(small.status == 0)
        #expect(!small.text.contains("tracing ["), "a short demo draws nothing: \(small.text)")
        let large = try CLIProcess.run(
            script, ["-qec", "'\(binary)' demo -o '\(log)' --spans 10000 > /dev/null", "/dev/null"])
        #expect(large.status == 0, "\(large.text)")
        #expect(large.text.contains("\rtracing ["), "no bar drawn: \(large.text)")
        #expect(large.text.contains(" / 10000 spans"))
        #expect(large.text.contains("\u{1B}[K"), "the bar's line is cleared at the end")
    }
}
