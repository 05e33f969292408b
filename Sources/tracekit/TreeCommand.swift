// TreeCommand: `tracekit tree`: span trees as indented text with durations, self time and the critical path.

import ArgumentParser
import TraceAnalysis
import TraceKit

/// `tracekit tree PATH [--trace ID] [--slowest N]`.
struct TreeCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Print span trees with durations and self time, slowest traces first.",
        discussion: """
            `*` marks the critical path of each trace; `error: MESSAGE` an error status (the message cut to 60 \
            characters); an orphan names the parent that is missing (for example lost in a damaged block). \
            Without --trace or --all the log is read twice; a stream (a pipe, /dev/stdin) is first copied to a \
            temporary file for that.
            """
    )

    @Argument(help: "A log file or a directory of .tklog files.")
    var path: String

    @Option(help: "Print only the trace with this id (32 hex digits).")
    var trace: String?

    @Option(parsing: .unconditional, help: "Print the N slowest traces.")
    var slowest = 10

    @Flag(help: "Print every trace, slowest first (this holds every span in memory).")
    var all = false

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if let trace, TraceID(hexString: trace) == nil {
            throw ValidationError("--trace must be 32 hex digits, got '\(trace)'.")
        }
        if slowest < 1 { throw ValidationError("--slowest must be at least 1, got \(slowest).") }
    }

    func execute() throws(CLIError) -> Int32 {
        if let trace, let traceID = TraceID(hexString: trace) {
            // One pass, keeping the spans of that trace only.
            let (spans, run) = LogInput.spans(
                of: [traceID], in: LogSources([path]), progress: progressOption.progress)
            try run.requireSomethingRead()
            guard let tree = TraceForest(spans).tree(for: traceID) else {
                _ = try run.finish()
                throw .traceNotFound(path: path, traceID: trace)
            }
            StandardOutput.write(tree.renderText())
            return try run.finish()
        }
        let trees: [SpanTree]
        let traceCount: Int
        var run: LogRun
        if all {
            let spans: [SpanRecord]
            (spans, run) = LogInput.spans(LogSources([path]), progress: progressOption.progress)
            try run.requireSomethingRead()
            let forest = TraceForest(spans)
            traceCount = forest.trees.count
            trees = forest.slowestTraces(traceCount)
        } else {
            // Two passes, so memory follows the number of traces rather than spans: the extent of every trace
            // first (no attribute decoded), then the spans of the slowest few, read as far as the first pass read.
            var extents = TraceExtents()
            run = LogInput.readBatches(
                LogSources([path]).spoolingStreams(), progress: progressOption.progress, label: "pass 1/2 ",
                attributes: []
            ) { extents.add($0) }
            try run.requireSomethingRead()
            traceCount = extents.traceCount
            trees = LogInput.trees(
                of: extents.slowest(slowest).map(\.traceID), in: &run, progress: progressOption.progress)
        }
        var output = BufferedOutput()
        for (index, tree) in trees.enumerated() {
            if index > 0 { output.writeLine("") }
            output.writeLine(String(tree.renderText().dropLast()))
        }
        if trees.count < traceCount {
            output.writeLine("")
            output.writeLine("(\(trees.count) slowest of \(traceCount) traces; --slowest N or --all for more)")
        }
        output.flush()
        return try run.finish()
    }
}
