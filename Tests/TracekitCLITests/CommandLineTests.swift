// CommandLineTests: counts that are negative or zero get a clear message, a mistyped command a suggestion.

import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func negativeAndZeroCountsAreRejectedWithTheValueGiven() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("counts.tklog")
        try LogFixture(traceCount: 2).write(to: log)
        let cases: [([String], String)] = [
            (["top", log, "--count", "-3"], "--count must be at least 1, got -3."),
            (["top", log, "-c", "0"], "--count must be at least 1, got 0."),
            (["tree", log, "--slowest", "-1"], "--slowest must be at least 1, got -1."),
            (["report", log, "-o", directory.file("r.html"), "--traces", "-2"], "--traces must be 0...100, got -2."),
            (
                ["demo", "-o", directory.file("d.tklog"), "--spans", "-5"],
                "--spans must be between 1 and 10000000, got -5."
            ),
            (
                ["demo", "-o", directory.file("d.tklog"), "--concurrency", "-1"],
                "--concurrency must be 1...1000, got -1."
            ),
        ]
        for (arguments, message) in cases {
            let result = try CLIProcess.tracekit(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Missing value"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("d.tklog")))
    }

    @Test func aMistypedCommandGetsTheParsersErrorAndASuggestion() throws {
        let cases: [(String, String)] = [
            ("stat", "did you mean 'stats'?"), ("veirfy", "did you mean 'verify'?"), ("Tree", "did you mean 'tree'?"),
            ("rep", "did you mean 'replay' or 'report'?"), ("metric", "did you mean 'metrics'?"),
        ]
        for (typed, suggestion) in cases {
            let result = try CLIProcess.tracekit([typed, "x.tklog"])
            #expect(result.status == 64, "\(typed)")
            #expect(result.stderr.contains("Error: 2 unexpected arguments: '\(typed)', 'x.tklog'"), "\(result.stderr)")
            #expect(
                result.stderr.contains("tracekit: '\(typed)' is not a tracekit command; \(suggestion)"),
                "\(result.stderr)")
        }
        let far = try CLIProcess.tracekit(["frobnicate"])
        #expect(far.status == 64)
        #expect(far.stderr.contains("Error:") && !far.stderr.contains("did you mean"))
        // A mistake inside a known command is left to the parser's own message.
        let flag = try CLIProcess.tracekit(["stats", "--jsn", "x.tklog"])
        #expect(flag.status == 64)
        #expect(flag.stderr.contains("--jsn") && !flag.stderr.contains("not a tracekit command"))
    }
}
