// DemoSeedTests: `tracekit demo --seed` draws another sample of the same workload; the default is unchanged.

import Foundation
import Testing

@Suite struct DemoSeedTests {
    /// The counters of the seed layers, which depend only on the workload's random choices (one trace at a time,
    /// so the number of traces does not depend on timing either).
    static func choiceCounters(_ arguments: [String]) throws -> [String] {
        let directory = try TemporaryDirectory()
        let log = directory.file("demo.tklog")
        let result = try CLIProcess.tracekit(
            ["demo", "--output", log, "--spans", "300", "--concurrency", "1"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let families = [
            "ai_cache_hits_total", "ai_chat_requests_total", "ai_llm_calls_total", "ai_ui_requests_total",
            "backend_http_requests_total", "kernel_syscall_permission_denied_total", "kernel_syscalls_total",
            "ui_tool_executions_total",
        ]
        return result.text.split(separator: "\n").map(String.init).filter { line in
            families.contains { line.hasPrefix($0 + "{") }
        }
    }

    /// What versions without `--seed` wrote for `demo --spans 300 --concurrency 1` (recorded before the option).
    static let workloadBeforeTheOption = [
        #"ai_cache_hits_total{cache="ui_spec"} 5"#,
        #"ai_chat_requests_total{status="success"} 9"#,
        #"ai_llm_calls_total{model="large-model",status="error"} 1"#,
        #"ai_llm_calls_total{model="large-model",status="success"} 5"#,
        #"ai_llm_calls_total{model="small-model",status="success"} 24"#,
        #"ai_ui_requests_total{action="generate",status="error"} 3"#,
        #"ai_ui_requests_total{action="generate",status="success"} 23"#,
        #"backend_http_requests_total{method="GET",path="/api/apps",status="200"} 11"#,
        #"backend_http_requests_total{method="POST",path="/api/chat",status="200"} 9"#,
        #"backend_http_requests_total{method="POST",path="/api/ui/generate",status="200"} 23"#,
        #"backend_http_requests_total{method="POST",path="/api/ui/generate",status="403"} 2"#,
        #"backend_http_requests_total{method="POST",path="/api/ui/generate",status="502"} 1"#,
        #"kernel_syscall_permission_denied_total{syscall="open"} 2"#,
        #"kernel_syscalls_total{syscall="close"} 34"#,
        #"kernel_syscalls_total{syscall="open"} 36"#,
        #"kernel_syscalls_total{syscall="read"} 11"#,
        #"kernel_syscalls_total{syscall="write"} 23"#,
        #"ui_tool_executions_total{status="error",tool="ui_generator"} 3"#,
        #"ui_tool_executions_total{status="success",tool="chat"} 9"#,
        #"ui_tool_executions_total{status="success",tool="ui_generator"} 23"#,
    ]

    @Test func theDefaultSeedKeepsTheWorkloadOfEarlierVersions() throws {
        #expect(try Self.choiceCounters([]) == Self.workloadBeforeTheOption)
        #expect(try Self.choiceCounters(["--seed", "0"]) == Self.workloadBeforeTheOption)
    }

    @Test func anotherSeedChangesTheChoicesAndTheSameSeedRepeatsThem() throws {
        let one = try Self.choiceCounters(["--seed", "1"])
        let two = try Self.choiceCounters(["--seed", "2"])
        #expect(one != Self.workloadBeforeTheOption)
        #expect(two != Self.workloadBeforeTheOption)
        #expect(one != two)
        #expect(try Self.choiceCounters(["--seed", "1"]) == one)
        // Every layer's choices move, not only the first draw of each trace.
        for prefix in ["ai_llm_calls_total", "kernel_syscalls_total", "ai_cache_hits_total"] {
            #expect(
                one.filter { $0.hasPrefix(prefix) } != Self.workloadBeforeTheOption.filter { $0.hasPrefix(prefix) },
                "\(prefix) did not change with the seed")
        }
    }

    @Test func aPlantedSlowdownChangesDurationsOnlyAndDiffFindsIt() throws {
        #expect(try Self.choiceCounters(["--slow", "llm_call=3"]) == Self.workloadBeforeTheOption)
        let directory = try TemporaryDirectory()
        let base = directory.file("base.tklog")
        let slow = directory.file("slow.tklog")
        for (log, extra) in [(base, [String]()), (slow, ["--slow", "llm_call=3"])] {
            let run = try CLIProcess.tracekit(["demo", "--output", log, "--spans", "600", "--seed", "5"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let diff = try CLIProcess.tracekit(["diff", base, slow])
        #expect(diff.status == 1, "\(diff.text)")
        let line = try #require(diff.text.split(separator: "\n").first { $0.hasPrefix("llm_call ") })
        #expect(line.hasSuffix("slower"))
    }

    @Test func aSlowdownOfANameWithoutSimulatedWorkIsAUsageError() throws {
        let result = try CLIProcess.tracekit(["demo", "--slow", "open=2", "--spans", "1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--slow"))
    }
}
