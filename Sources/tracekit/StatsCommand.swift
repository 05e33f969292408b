// StatsCommand: `tracekit stats`: per span name: count, errors, total time, mean, p50, p95, p99 and self time.

import ArgumentParser
import TraceAnalysis

/// `tracekit stats PATH... [--json]`.
struct StatsCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Per span name: count, errors, total time, mean, p50, p95, p99 and self time.",
        discussion: """
            Quantiles come from a sketch with 1% relative error. Self time is a span's duration minus the time \
            covered by its children. Rows are ordered by total time spent (the "total" column; "total_ns" with \
            --json). With --json, durations are in nanoseconds.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
    }

    func execute() throws(CLIError) -> Int32 {
        var collector = SpanStatisticsCollector()
        // A block at a time, no attribute decoded: the statistics need names, times and ids only.
        let run = LogInput.readBatches(LogSources(paths), progress: progressOption.progress, attributes: []) {
            collector.add($0)
        }
        try run.requireSomethingRead()
        let table = StatsTable(collector)
        StandardOutput.write(json ? table.renderJSON() + "\n" : table.renderText())
        return try run.finish()
    }
}
