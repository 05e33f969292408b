// Tests that head-sampled spans count as the spans they stand for, live, span by span and from a log's batches.

import Foundation
import Testing
import TraceKit
import TraceKitTesting
import TraceLog
import TraceMetrics

@testable import TraceAnalysis

@Suite struct SampledCountsTests {
    /// The value of the sample whose line starts with `prefix`.
    static func sample(_ text: String, _ prefix: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    @Test func weightsAreWholeAdjustedCountsRoundedByTheSpanIdWithoutBias() {
        #expect(SamplingWeight.of(threshold: 0, spanID: SpanID(rawValue: 99)) == 1)
        // 25% and 50%: exact whole adjusted counts.
        for threshold in [Sampler.ratio(0.25).threshold, Sampler.ratio(0.5).threshold] {
            let expected = Int(SpanRecord.adjustedCount(samplingThreshold: threshold).rounded())
            for raw in [1 as UInt64, 12345, .max] {
                #expect(SamplingWeight.of(threshold: threshold, spanID: SpanID(rawValue: raw)) == expected)
            }
        }
        // 30%: 3.33..., so 3 or 4, with a mean over many span ids close to 10/3.
        let threshold = Sampler.ratio(0.3).threshold
        var random = SeededGenerator(seed: 7)
        let weights = (0..<200_000).map { _ in
            SamplingWeight.of(threshold: threshold, spanID: SpanID(rawValue: random.next()))
        }
        #expect(Set(weights) == [3, 4])
        let mean = Double(weights.reduce(0, +)) / Double(weights.count)
        #expect(abs(mean - 1 / 0.3) < 0.01, "mean weight \(mean)")
    }

    @Test(arguments: [0.1, 0.3])
    func sampledCountsEstimateTheUnsampledCountsLiveAndFromTheLog(ratio: Double) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sampled-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/sampled.tklog"
        let clock = MetricsClock.fixed(1_764_000_000)

        let liveRegistry = MetricsRegistry(clock: clock)
        let live = try SpanAnalyzer(registry: liveRegistry)
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "sampled"))
        let collector = InMemorySpanSink()
        let recorder = TraceRecorder(
            TraceConfiguration(service: "sampled", sinks: [writer, live, collector], sampler: .ratio(ratio)))
        let requests = 20_000
        TraceSystem.withRecorder(recorder) {
            for index in 0..<requests {
                traceOperation("request", kind: .server) { traceOperation("query", ["n": .integer(index % 3)]) {} }
            }
        }
        writer.shutdown()
        let kept = collector.spans.filter { $0.name == "request" }.count
        #expect(kept > 0 && kept < requests)

        let calls = "traces_span_metrics_calls_total{span_kind=\"SPAN_KIND_SERVER\",span_name=\"request\""
        let liveText = liveRegistry.exposition(.openMetrics)
        let estimate = try #require(Self.sample(liveText, calls))
        // The estimate is the sum of the kept spans' weights, close to the true count: sampling's own noise is
        // sqrt(n (1 - p) / p), about 424 spans for 10% of 20,000; 5 of those is a wide margin.
        let noise = (Double(requests) * (1 - ratio) / ratio).squareRoot()
        #expect(abs(estimate - Double(requests)) < 5 * noise, "estimated \(estimate) of \(requests)")
        #expect(estimate > Double(kept) * 2)
        let weights = collector.spans.filter { $0.name == "request" }.map { span in
            SamplingWeight.of(threshold: span.samplingThreshold, spanID: span.spanID)
        }
        #expect(estimate == Double(weights.reduce(0, +)))
        // The histogram's count agrees with the counter.
        let count = "traces_span_metrics_duration_seconds_count{span_kind=\"SPAN_KIND_SERVER\",span_name=\"request\""
        #expect(Self.sample(liveText, count) == estimate)

        // From the log: span by span, and in batches; both give the live text.
        let recordsRegistry = MetricsRegistry(clock: clock)
        let fromRecords = try SpanAnalyzer(registry: recordsRegistry)
        let reader = try LogReader(path: path)
        for case .span(let span) in reader {
            #expect(span.samplingThreshold == Sampler.ratio(ratio).threshold)
            fromRecords.consume(span)
        }
        #expect(recordsRegistry.exposition(.openMetrics) == liveText)

        let batchRegistry = MetricsRegistry(clock: clock)
        let fromBatches = try SpanAnalyzer(registry: batchRegistry)
        for case .spans(let batch) in try LogBatchReader(path: path, attributes: fromBatches.attributeKeys) {
            #expect(batch.samplingThresholds.count == batch.count)
            fromBatches.consume(batch)
        }
        #expect(batchRegistry.exposition(.openMetrics) == liveText)
    }

    @Test func aBlockMixingSampledAndUnsampledSpansKeepsEachThreshold() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mixed-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/mixed.tklog"
        let thresholds: [UInt64] = [0, 0, 5, 5, 0, 1 << 55, (1 << 56) - 1, 0]
        let spans = thresholds.enumerated().map { index, threshold in
            SpanRecord(
                traceID: TraceID(high: 1, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
                name: "op", startUnixNanoseconds: 1_764_000_000_000_000_000 + UInt64(index),
                durationNanoseconds: 10, samplingThreshold: threshold)
        }
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "mixed"))
        for span in spans { writer.consume(span) }
        writer.shutdown()
        #expect(Array(try LogReader(path: path)).compactMap { if case .span(let s) = $0 { s } else { nil } } == spans)
        var fromBatches: [UInt64] = []
        for case .spans(let batch) in try LogBatchReader(path: path) {
            fromBatches += (0..<batch.count).map(batch.samplingThreshold(at:))
        }
        #expect(fromBatches == thresholds)
    }
}
