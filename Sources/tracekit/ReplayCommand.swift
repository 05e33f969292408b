// ReplayCommand: `tracekit replay`: prints the spans of logs one per line, as text or JSON lines.

import ArgumentParser
import TraceExport
import TraceKit
import TraceLog

/// `tracekit replay PATH... [--json]`: one line per span; several files are merged in start-time order.
struct ReplayCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Print the spans of trace logs, one per line (JSON lines with --json).",
        discussion: """
            One file is printed in file order (the order spans finished in); several files, or a directory, \
            are merged in start-time order. Damaged blocks are skipped with a warning on stderr.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @Flag(help: "Print each span as one JSON object per line.")
    var json = false

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
    }

    func execute() throws(CLIError) -> Int32 {
        let files = try LogInput.files(paths)
        var output = BufferedOutput()
        defer { output.flush() }
        if files.count == 1 {
            let summaries = try LogInput.read(files, progress: progressOption.progress) { span in
                output.writeLine(line(span))
            }
            output.flush()
            LogInput.warnAboutDamage(summaries)
            return ExitStatus.success
        }
        for file in files where try LogInput.firstHeader(file) == nil {
            // Rare: the first block is damaged. A full read tells damage (carry on) from not-a-log (stop).
            _ = try LogInput.readFile(file, size: LogInput.fileSize(file), onSpan: { _ in })
        }
        let reader: MergedLogReader
        do {
            reader = try MergedLogReader(paths: files)
        } catch {
            throw .reading(files.first ?? "", error)
        }
        while let entry = reader.next() {
            if case .span(let span) = entry { output.writeLine(line(span)) }
        }
        output.flush()
        for damage in reader.damages {
            StandardError.write(
                "tracekit: warning: \(damage.path): skipped damaged region: offset \(damage.offset), \(damage.reason)\n"
            )
        }
        return ExitStatus.success
    }

    private func line(_ span: SpanRecord) -> String {
        json ? SpanJSONEncoder.line(span) : SpanLine.text(span)
    }
}
