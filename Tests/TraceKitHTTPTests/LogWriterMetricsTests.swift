// LogWriterMetricsTests: a log writer's drops and writes appear as Prometheus counters, current at every scrape.

import Foundation
import Testing
import TraceKit
import TraceKitHTTP
import TraceLog
import TraceMetrics

@Suite struct LogWriterMetricsTests {
    static func span(_ index: Int) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 1, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
            parentSpanID: nil, name: "work", kind: .internal, status: .unset,
            startUnixNanoseconds: 1_764_000_000_000_000_000 + UInt64(index) * 1_000, durationNanoseconds: 500,
            attributes: ["index": .int(Int64(index))])
    }

    /// The value of the sample whose line starts with `prefix` (name and labels), nil when absent.
    static func sample(_ text: String, _ prefix: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }

    @Test func droppedAndWrittenSpansAreCountersThatFollowTheWriter() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID()).tklog").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = LogWriterOptions()
        options.bufferCapacity = 8
        options.flushInterval = .seconds(60)
        options.overflowPolicy = .dropNewest
        let writer = try LogWriter(
            path: path,
            resource: Resource(
                serviceName: "metrics", hostName: "host", processID: 1,
                processStartUnixNanoseconds: 0), options: options)
        let registry = MetricsRegistry()
        try registry.exposeStatistics(of: writer)

        let before = registry.exposition(.prometheusText)
        let label = "log=\"\(path)\""
        #expect(Self.sample(before, "tracekit_log_spans_dropped_total{\(label),reason=\"buffer_full\"}") == 0)

        // Far more spans than the buffer holds, faster than the writer thread takes them: some are dropped.
        for index in 0..<20_000 { writer.consume(Self.span(index)) }
        writer.shutdown()
        let statistics = writer.statistics
        #expect(statistics.spansDropped > 0)

        let after = registry.exposition(.prometheusText)
        #expect(
            Self.sample(after, "tracekit_log_spans_dropped_total{\(label),reason=\"buffer_full\"}")
                == Double(statistics.spansDropped))
        #expect(Self.sample(after, "tracekit_log_spans_written_total{\(label)}") == Double(statistics.spansWritten))
        #expect(Self.sample(after, "tracekit_log_bytes_written_total{\(label)}") == Double(statistics.bytesWritten))
        #expect(Self.sample(after, "tracekit_log_spans_dropped_total{\(label),reason=\"write_failed\"}") == 0)
        // A second scrape adds nothing: the counters mirror the writer, they do not accumulate scrapes.
        #expect(registry.exposition(.prometheusText) == after)
    }

    @Test func aWriterReopenedOnTheSamePathAddsItsOwnCounts() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reopen-\(UUID()).tklog").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let resource = Resource(serviceName: "metrics", hostName: "host", processID: 1, processStartUnixNanoseconds: 0)
        let registry = MetricsRegistry()
        let first = try LogWriter(path: path, resource: resource)
        try registry.exposeStatistics(of: first)
        for index in 0..<100 { first.consume(Self.span(index)) }
        first.shutdown()
        _ = registry.exposition(.prometheusText)
        let second = try LogWriter(path: path, resource: resource)
        try registry.exposeStatistics(of: second)
        for index in 0..<50 { second.consume(Self.span(index)) }
        second.shutdown()
        let text = registry.exposition(.prometheusText)
        #expect(Self.sample(text, "tracekit_log_spans_written_total{log=\"\(path)\"}") == 150)
    }
}
