// ReportCommand: `tracekit report`: one self-contained HTML page with histograms, timelines and the stats table.

import ArgumentParser
import TraceAnalysis

/// `tracekit report PATH --output report.html`.
struct ReportCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page: stats table, latency histograms, slowest traces.",
        discussion: """
            The page has no scripts and loads nothing from the network: styles are inline and the charts \
            are inline SVG (hover a bar for its numbers). Span names and attributes are HTML-escaped.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @Option(name: .shortAndLong, help: "The HTML file to write.")
    var output: String

    @Option(help: "How many of the slowest traces to draw.")
    var traces = 5

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
        if traces < 0 || traces > 100 { throw ValidationError("--traces must be 0...100.") }
    }

    func execute() throws(CLIError) -> Int32 {
        let (spans, files) = try LogInput.spans(paths, progress: progressOption.progress)
        LogInput.warnAboutDamage(files)
        let forest = TraceForest(spans)
        var durations: [String: [UInt64]] = [:]
        for span in spans { durations[span.name, default: []].append(span.durationNanoseconds) }
        let title = "TraceKit report: " + (files.compactMap { $0.resource?.serviceName }.first ?? "trace log")
        var page = ReportPage(
            title: title, files: files, forest: forest, statistics: StatsTable(forest.statistics()),
            durations: durations)
        page.timelineCount = traces
        try OutputFile.write(Array(page.html().utf8), to: output)
        StandardError.write("wrote \(output)\n")
        return ExitStatus.success
    }
}
