// ChromeNestingTests: the Chrome trace of a concurrent demo log draws every span only inside its own ancestors.

import Foundation
import Testing

@Suite struct ChromeNestingTests {
    static var checker: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/interop/chrome_nesting_check.py").path
    }

    @Test func aConcurrentDemoLogExportsWithNoSpanInsideAStranger() throws {
        guard CLIProcess.require(CLIProcess.which("python3") != nil, "python3"),
            let python = CLIProcess.which("python3")
        else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("demo.tklog")
        let json = directory.file("demo.json")
        let demo = try CLIProcess.tracekit(["demo", "--output", log, "--spans", "2000", "--concurrency", "16"])
        #expect(demo.status == 0, "\(demo.stderr)")
        let export = try CLIProcess.tracekit(["export", log, "--format", "chrome", "--output", json])
        #expect(export.status == 0, "\(export.stderr)")
        let check = try CLIProcess.run(python, [Self.checker, json])
        let summary = try #require(try JSONSerialization.jsonObject(with: check.stdout) as? [String: Int])
        #expect(check.status == 0, "\(check.text)\(check.stderr)")
        #expect(summary["violations"] == 0)
        #expect(summary["child_spans_drawn_directly_inside_another_trace"] == 0)
        // The check had something to check: children nested in their parents on shared lanes.
        #expect((summary["events"] ?? 0) >= 2000)
        #expect((summary["nested_pairs"] ?? 0) > (summary["child_spans"] ?? 0) / 2)
    }
}
