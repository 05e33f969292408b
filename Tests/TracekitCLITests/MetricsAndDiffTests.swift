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
        #expect(regression.text.contains("significant slowdown of 10% or more: db.query, request"))
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
}
