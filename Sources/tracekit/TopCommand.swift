// TopCommand: `tracekit top`: the slowest spans of trace logs, slowest first, with their trace ids.

import ArgumentParser
import TraceAnalysis
import TraceExport

/// `tracekit top PATH... [--count N] [--name NAME] [--json]`.
struct TopCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Print the slowest spans, slowest first (JSON lines with --json).",
        discussion: """
            Each line is a span as `tracekit replay` prints it. Ties in duration go to the span that started \
            first, then to the lower trace and span id. `tracekit tree PATH --trace ID` shows a span's trace. \
            Memory holds the N spans kept, whatever the size of the logs.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @Option(name: [.short, .long], parsing: .unconditional, help: "How many spans to print.")
    var count = 10

    @Option(help: "Only spans with this name.")
    var name: String?

    @Flag(help: "Print JSON lines instead of text.")
    var json = false

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
        if count < 1 { throw ValidationError("--count must be at least 1, got \(count).") }
    }

    func execute() throws(CLIError) -> Int32 {
        var slowest = SlowestSpans(capacity: count)
        let run = LogInput.readBatches(LogSources(paths), progress: progressOption.progress) { batch in
            slowest.add(batch, named: name)
        }
        try run.requireSomethingRead()
        var output = BufferedOutput()
        for span in slowest.spans {
            output.writeLine(json ? SpanJSONEncoder.line(span) : SpanLine.text(span))
        }
        output.flush()
        return try run.finish()
    }
}
