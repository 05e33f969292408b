// MetricsAndDiffTests: `metrics` output passes promtool; `diff` exits 1 on a planted slowdown and 0 on equal logs.

import Foundation
import Testing

@Suite struct MetricsAndDiffTests {
    @Test func metricsPassPromtoolCheckMetrics() throws {
        guard let promtool = CLIProcess.which("promtool") else {
            _ = CLIProcess.require(false, "promtool (Debian package prometheus)")
            return
        }
        let directory = try TemporaryDirectory()
        let log = directory.file("metrics.tklog")
        try LogFixture().write(to: log)
        let result = try CLIProcess.tracekit(["metrics", log])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains(#"backend_http_requests_total{method="GET",path="/items",status="200"} 60"#))
        #expect(result.text.contains("traces_span_metrics_calls_total"))
        let check = try CLIProcess.run(promtool, ["check", "metrics"], input: result.stdout)
        #expect(check.status == 0, "promtool: \(check.text)\(check.stderr)")

        let openMetrics = try CLIProcess.tracekit(["metrics", "--format", "openmetrics", log])
        #expect(openMetrics.status == 0)
        #expect(openMetrics.text.hasSuffix("# EOF\n"))
        // Exemplars lead from a duration bucket to a real span of the log.
        #expect(openMetrics.text.contains(#",trace_id="000000000000abcd00000000000000"#))

        let json = try CLIProcess.tracekit(["metrics", "--format", "json", log])
        #expect(json.status == 0)
        let document = try JSONSerialization.jsonObject(with: json.stdout)
        #expect(String(decoding: json.stdout, as: UTF8.self).contains("\"backend_http_requests_total\""))
        #expect(document is [Any] || document is [String: Any])
    }

    @Test func diffExitsOneOnAPlantedSlowdownAndZeroOnEqualLogs() throws {
        let directory = try TemporaryDirectory()
        let base = directory.file("base.tklog")
        let slower = directory.file("slower.tklog")
        try LogFixture(queryMilliseconds: 10).write(to: base)
        try LogFixture(queryMilliseconds: 13).write(to: slower)

        let regression = try CLIProcess.tracekit(["diff", base, slower, "--threshold", "10"])
        #expect(regression.status == 1, "\(regression.text)\(regression.stderr)")
        let queryLine = try #require(regression.text.split(separator: "\n").first { $0.hasPrefix("db.query") })
        #expect(queryLine.hasSuffix("slower"))
        #expect(regression.text.contains("significant slowdown of 10% and 10.000µs or more: db.query, request"))
        // 13 ms against 10 ms is +30%: above a 50% threshold it no longer fails.
        let tolerant = try CLIProcess.tracekit(["diff", base, slower, "--threshold", "50"])
        #expect(tolerant.status == 0)

        let same = try CLIProcess.tracekit(["diff", base, base])
        #expect(same.status == 0, "\(same.text)")
        #expect(same.text.contains("no significant slowdown"))
        // The other way round the change is an improvement, which never fails CI.
        let faster = try CLIProcess.tracekit(["diff", slower, base])
        #expect(faster.status == 0)
        #expect(faster.text.contains("faster"))
    }

    @Test func diffNeedsBothTheRelativeAndTheAbsoluteChangeAndSaysWhichCorrection() throws {
        let directory = try TemporaryDirectory()
        let base = directory.file("base.tklog")
        let slower = directory.file("slower.tklog")
        try LogFixture(queryMilliseconds: 10).write(to: base)
        try LogFixture(queryMilliseconds: 13).write(to: slower)
        // db.query grew by about 3 ms (+30%): under a 5 ms floor it is no slowdown, over a 2 ms floor it is.
        let lenient = try CLIProcess.tracekit(["diff", base, slower, "--min-change", "5ms"])
        #expect(lenient.status == 0, "\(lenient.text)")
        #expect(lenient.text.contains("no significant slowdown of 5% and 5.000ms or more"))
        let strict = try CLIProcess.tracekit(["diff", base, slower, "--min-change", "2000us"])
        #expect(strict.status == 1, "\(strict.text)")
        #expect(Self.lastColumnTitles(strict.text) == ["p", "p (Holm)", "verdict"])
        let benjamini = try CLIProcess.tracekit(["diff", base, slower, "--correction", "bh"])
        #expect(Self.lastColumnTitles(benjamini.text) == ["p", "p (BH)", "verdict"])
        let uncorrected = try CLIProcess.tracekit(["diff", base, slower, "--correction", "none"])
        #expect(Self.lastColumnTitles(uncorrected.text) == ["CI of shift", "p", "verdict"])
        for bad in ["5", "-1ms", "fast", "1m"] {
            let refused = try CLIProcess.tracekit(["diff", base, slower, "--min-change", bad])
            #expect(refused.status == 64, "--min-change \(bad)")
            #expect(refused.stderr.contains("--min-change"))
        }
    }

    /// The last three column titles of a diff table (columns are separated by two or more spaces).
    static func lastColumnTitles(_ text: String) -> [String] {
        let header = text.split(separator: "\n").first.map(String.init) ?? ""
        let titles = header.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return Array(titles.suffix(3)).map { $0.hasPrefix("95% ") ? String($0.dropFirst(4)) : $0 }
    }
}
