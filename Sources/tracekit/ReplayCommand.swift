// ReplayCommand: `tracekit replay`: prints the spans of logs one per line, as text or JSON lines.

import ArgumentParser
import TraceExport
import TraceKit
import TraceLog

/// `tracekit replay PATH... [--json] [--trace ID]`: one line per span; several files are merged in start-time order.
struct ReplayCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Print the spans of trace logs, one per line (JSON lines with --json).",
        discussion: """
            Each line starts with the span's start time in UTC (RFC 3339, nanoseconds); --json keeps it as \
            start_unix_nano. One file is printed in file order (the order spans finished in); several files, or \
            a directory, are merged in start-time order. A PATH may be a pipe or /dev/stdin. Damaged blocks are \
            skipped with a warning on stderr.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @Flag(help: "Print each span as one JSON object per line.")
    var json = false

    @Option(help: "Print only the spans of the trace with this id (32 hex digits).")
    var trace: String?

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
        if let trace, TraceID(hexString: trace) == nil {
            throw ValidationError("--trace must be 32 hex digits, got '\(trace)'.")
        }
    }

    func execute() throws(CLIError) -> Int32 {
        let inputs = LogSources(paths)
        let traceID = trace.flatMap(TraceID.init(hexString:))
        var output = BufferedOutput()
        defer { output.flush() }
        let emit = { (span: SpanRecord) in
            if traceID == nil || span.traceID == traceID { output.writeLine(line(span)) }
        }
        let run: LogRun
        if inputs.files.count == 1 {
            run = LogInput.read(inputs, progress: progressOption.progress, onSpan: emit)
        } else {
            // Several files at once, merged in start-time order; a file that cannot be opened, or turns out to hold
            // nothing of a TraceKit log, is skipped.
            let report = inputs.logs.readSpans(order: .startTime) { entry, _ in
                if case .span(let span) = entry { emit(span) }
            }
            run = LogRun(inputs, report)
        }
        output.flush()
        return try run.finish()
    }

    private func line(_ span: SpanRecord) -> String {
        json ? SpanJSONEncoder.line(span) : SpanLine.text(span)
    }
}
