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
            `*` marks the critical path of each trace; `error` an error status; an orphan names the parent \
            that is missing (for example lost in a damaged block).
            """
    )

    @Argument(help: "A log file or a directory of .tklog files.")
    var path: String

    @Option(help: "Print only the trace with this id (32 hex digits).")
    var trace: String?

    @Option(help: "Print the N slowest traces.")
    var slowest = 10

    @Flag(help: "Print every trace, slowest first (this holds every span in memory).")
    var all = false

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if let trace, TraceID(hexString: trace) == nil {
            throw ValidationError("--trace must be 32 hex digits, got '\(trace)'.")
        }
        if slowest < 1 { throw ValidationError("--slowest must be at least 1.") }
    }

    func execute() throws(CLIError) -> Int32 {
        if let trace, let traceID = TraceID(hexString: trace) {
            // One pass, keeping the spans of that trace only.
            let (spans, files) = try LogInput.spans(of: [traceID], in: [path], progress: progressOption.progress)
            LogInput.warnAboutDamage(files)
            guard let tree = TraceForest(spans).tree(for: traceID) else {
                throw .traceNotFound(path: path, traceID: trace)
            }
            StandardOutput.write(tree.renderText())
            return ExitStatus.success
        }
        let trees: [SpanTree]
        let traceCount: Int
        if all {
            let (spans, files) = try LogInput.spans([path], progress: progressOption.progress)
            LogInput.warnAboutDamage(files)
            let forest = TraceForest(spans)
            traceCount = forest.trees.count
            trees = forest.slowestTraces(traceCount)
        } else {
            // Two passes, so memory follows the number of traces rather than spans: the extent of every trace
            // first (no attribute decoded), then the spans of the slowest few, read as far as the first pass read.
            var extents = TraceExtents()
            let files = try LogInput.readBatches(
                [path], progress: progressOption.progress, label: "pass 1/2 ", attributes: []
            ) { extents.add($0) }
            traceCount = extents.traceCount
            trees = try LogInput.trees(
                of: extents.slowest(slowest).map(\.traceID), in: files, progress: progressOption.progress)
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
        return ExitStatus.success
    }
}
