// DemoSamplingTests: a head-sampled demo run's derived counts estimate those of the same traces unsampled.

import Foundation
import Testing

@Suite struct DemoSamplingTests {
    /// The sum of every series of `family` in a Prometheus text exposition.
    static func total(_ family: String, in text: String) -> Double {
        text.split(separator: "\n").filter { $0.hasPrefix(family + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test func aSampledRunEstimatesTheUnsampledRunsRequestCounts() throws {
        let directory = try TemporaryDirectory()
        let traces = 1_200
        let full = try CLIProcess.tracekit([
            "demo", "--output", directory.file("full.tklog"), "--traces", "\(traces)", "--seed", "5",
            "--concurrency", "200",
        ])
        #expect(full.status == 0, "\(full.stderr)")
        let sampled = try CLIProcess.tracekit([
            "demo", "--output", directory.file("sampled.tklog"), "--traces", "\(traces)", "--seed", "5",
            "--concurrency", "200", "--sampling-ratio", "0.25",
        ])
        #expect(sampled.status == 0, "\(sampled.stderr)")
        #expect(sampled.text.contains("counts as 4 spans, so the counts below are estimates"))

        // Every trace is one backend request: the unsampled count is exact.
        let truth = Self.total("backend_http_requests_total", in: full.text)
        #expect(truth == Double(traces))
        let estimate = Self.total("backend_http_requests_total", in: sampled.text)
        // Sampling's own noise for n = 1,200 at p = 0.25: sqrt(n (1 - p) / p) = 60 requests; 5 of those is 300.
        // Without adjusted counts the sampled run would say about 300.
        #expect(abs(estimate - truth) < 300, "estimated \(estimate) requests of \(truth)")
        let kept = try #require(
            sampled.text.split(separator: "\n").first { $0.hasPrefix("spans:") }.flatMap { line in
                line.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) }
            })
        let unsampledSpans = try #require(
            full.text.split(separator: "\n").first { $0.hasPrefix("spans:") }.flatMap { line in
                line.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) }
            })
        #expect(kept < unsampledSpans / 2, "the sampled run kept \(kept) of \(unsampledSpans) spans")
    }
}
