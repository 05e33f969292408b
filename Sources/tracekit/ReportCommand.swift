// ReportCommand: `tracekit report`: one self-contained HTML page with histograms, timelines and the stats table.

import ArgumentParser
import TraceAnalysis
import TraceKit

/// `tracekit report PATH --output report.html`.
struct ReportCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page: stats table, latency histograms, slowest traces.",
        discussion: """
            The page has no scripts and loads nothing from the network: styles are inline and the charts \
            are inline SVG (hover a bar for its numbers). Span names and attributes are HTML-escaped. The logs \
            are read twice; a stream (a pipe, /dev/stdin) is first copied to a temporary file for that.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @Option(name: .shortAndLong, help: "The HTML file to write.")
    var output: String

    @Option(parsing: .unconditional, help: "How many of the slowest traces to draw (0...100).")
    var traces = 5

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
        if traces < 0 || traces > 100 { throw ValidationError("--traces must be 0...100, got \(traces).") }
    }

    func execute() throws(CLIError) -> Int32 {
        // Two passes, so memory follows the number of span names and traces rather than spans: statistics, latency
        // buckets and trace extents first (no attribute decoded), then the spans of the slowest traces.
        var collector = SpanStatisticsCollector()
        var extents = TraceExtents()
        var latencyBuckets: [String: [Int: Int]] = [:]
        let inputs = traces > 0 ? LogSources(paths).spoolingStreams() : LogSources(paths)
        var run = LogInput.readBatches(
            inputs, progress: progressOption.progress, label: traces > 0 ? "pass 1/2 " : "", attributes: []
        ) { batch in
            collector.add(batch)
            extents.add(batch)
            Self.countLatencies(of: batch, into: &latencyBuckets)
        }
        try run.requireSomethingRead()
        let slowestTraces = LogInput.trees(
            of: extents.slowest(traces).map(\.traceID), in: &run, progress: progressOption.progress)
        let title = "TraceKit report: " + (run.files.compactMap { $0.resource?.serviceName }.first ?? "trace log")
        let page = ReportPage(
            title: title, files: run.files, traceCount: extents.traceCount, statistics: StatsTable(collector),
            latencyBuckets: latencyBuckets, slowestTraces: slowestTraces)
        try OutputFile.write(Array(page.html().utf8), to: output)
        StandardError.write("wrote \(output)\n")
        return try run.finish()
    }

    /// Counts the batch's spans per name and latency bucket: per shape first, then once per name.
    static func countLatencies(of batch: SpanBatch, into buckets: inout [String: [Int: Int]]) {
        var perShape = [[Int: Int]](repeating: [:], count: batch.shapes.count)
        for index in 0..<batch.count {
            let bucket = LatencyHistogramSVG.bucket(nanoseconds: batch.durationNanoseconds[index])
            perShape[Int(batch.shapeIndexes[index])][bucket, default: 0] += 1
        }
        for (shape, counts) in zip(batch.shapes, perShape) where !counts.isEmpty {
            buckets[shape.name, default: [:]].merge(counts, uniquingKeysWith: +)
        }
    }
}
