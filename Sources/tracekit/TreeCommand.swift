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

    @Flag(help: "Print every trace, slowest first.")
    var all = false

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if let trace, TraceID(hexString: trace) == nil {
            throw ValidationError("--trace must be 32 hex digits, got '\(trace)'.")
        }
        if slowest < 1 { throw ValidationError("--slowest must be at least 1.") }
    }

    func execute() throws(CLIError) -> Int32 {
        let (spans, files) = try LogInput.spans([path], progress: progressOption.progress)
        LogInput.warnAboutDamage(files)
        let forest = TraceForest(spans)
        if let trace, let traceID = TraceID(hexString: trace) {
            guard let tree = forest.tree(for: traceID) else { throw .traceNotFound(path: path, traceID: trace) }
            print(tree.renderText(), terminator: "")
            return ExitStatus.success
        }
        let count = all ? forest.trees.count : min(slowest, forest.trees.count)
        var output = BufferedOutput()
        for (index, tree) in forest.slowestTraces(count).enumerated() {
            if index > 0 { output.writeLine("") }
            output.writeLine(String(tree.renderText().dropLast()))
        }
        if count < forest.trees.count {
            output.writeLine("")
            output.writeLine("(\(count) slowest of \(forest.trees.count) traces; --slowest N or --all for more)")
        }
        output.flush()
        return ExitStatus.success
    }
}
