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
            let (spans, files) = try Self.spans(of: [traceID], in: path, progress: progressOption.progress)
            LogInput.warnAboutDamage(files)
            guard let tree = TraceForest(spans).tree(for: traceID) else {
                throw .traceNotFound(path: path, traceID: trace)
            }
            print(tree.renderText(), terminator: "")
            return ExitStatus.success
        }
        let chosen: [TraceID]
        let traceCount: Int
        let forest: TraceForest
        if all {
            let (spans, files) = try LogInput.spans([path], progress: progressOption.progress)
            LogInput.warnAboutDamage(files)
            forest = TraceForest(spans)
            traceCount = forest.trees.count
            chosen = forest.slowestTraces(traceCount).map(\.traceID)
        } else {
            // Two passes, so memory follows the number of traces rather than spans: the extent of every trace
            // first (no attribute decoded), then the spans of the slowest few.
            var extents = TraceExtents()
            let files = try LogInput.readBatches([path], progress: progressOption.progress, attributes: []) {
                extents.add($0)
            }
            LogInput.warnAboutDamage(files)
            traceCount = extents.traceCount
            chosen = extents.slowest(slowest).map(\.traceID)
            forest = TraceForest(try Self.spans(of: Set(chosen), in: path, progress: progressOption.progress).spans)
        }
        var output = BufferedOutput()
        // A trace is missing in the second pass only if the file was replaced in between.
        for (index, tree) in chosen.compactMap(forest.tree(for:)).enumerated() {
            if index > 0 { output.writeLine("") }
            output.writeLine(String(tree.renderText().dropLast()))
        }
        if chosen.count < traceCount {
            output.writeLine("")
            output.writeLine("(\(chosen.count) slowest of \(traceCount) traces; --slowest N or --all for more)")
        }
        output.flush()
        return ExitStatus.success
    }

    /// The spans of `traceIDs` in the logs behind `path`, in file order, a block at a time.
    static func spans(
        of traceIDs: Set<TraceID>, in path: String, progress: ProgressMode
    ) throws(CLIError) -> (spans: [SpanRecord], files: [LogFileSummary]) {
        var spans: [SpanRecord] = []
        let files = try LogInput.readBatches([path], progress: progress) { batch in
            for index in 0..<batch.count where traceIDs.contains(batch.traceIDs[index]) {
                spans.append(batch.record(at: index))
            }
        }
        return (spans, files)
    }
}
