// VerifyCommand: `tracekit verify`: checks every block of the logs and lists the damage with its offsets.

import ArgumentParser
import TraceLog

/// `tracekit verify PATH...`: exit 0 when intact, 1 when damage was found, 2 when a file cannot be read.
struct VerifyCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check trace logs block by block; list damaged blocks and the spans still recoverable.",
        discussion: """
            Exit status: 0 every file is intact, 1 damage was found (each damaged region is listed with its \
            byte offset), 2 a file cannot be read or is not a TraceKit log. All files are checked either way.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
    }

    func execute() throws(CLIError) -> Int32 {
        var status = ExitStatus.success
        let inputs = LogSources(paths)
        for problem in inputs.problems {
            StandardError.write("tracekit: error: \(problem)\n")
            status = ExitStatus.inputError
        }
        for file in inputs.files {
            let progress = ProgressBar(total: file.sizeBytes, mode: progressOption.progress)
            defer { progress.finish() }
            let report = LogSet(files: [file]).readSpans(onProgress: progress.update(done:)) { _, _ in }
            if let summary = report.files.first {
                StandardOutput.write(Self.describe(summary) + "\n")
                if !summary.damages.isEmpty, status == ExitStatus.success { status = ExitStatus.findings }
            }
            for problem in report.skipped {
                StandardError.write("tracekit: error: \(CLIError(problem))\n")
                status = ExitStatus.inputError
            }
        }
        return status
    }

    /// The report for one file: a status line, then one line per damaged region.
    static func describe(_ summary: LogSet.FileReport) -> String {
        let spans = "\(summary.spanCount) span\(summary.spanCount == 1 ? "" : "s")"
        let sessions = "\(summary.headerCount) writer session\(summary.headerCount == 1 ? "" : "s")"
        let closing =
            summary.sawEndOfFileMarker ? "closed cleanly" : "no end-of-file marker (still open, or the writer stopped)"
        var lines: [String] = []
        if summary.damages.isEmpty {
            lines.append("\(summary.path): intact: \(spans), \(sessions), \(summary.sizeBytes) bytes, \(closing)")
        } else {
            let damagedBytes = summary.damages.reduce(Int64(0)) { $0 + $1.length }
            lines.append(
                "\(summary.path): DAMAGED: \(summary.damages.count) damaged region(s), \(damagedBytes) of "
                    + "\(summary.sizeBytes) bytes lost; \(spans) still recoverable")
            for damage in summary.damages {
                lines.append("  offset \(damage.offset)  length \(damage.length)  \(damage.reason)")
            }
        }
        if let note = summary.newerFormatNote { lines.append("  \(note)") }
        if summary.droppedSpanCount > 0 {
            lines.append("  the writer dropped \(summary.droppedSpanCount) span(s) before writing (drop notices)")
        }
        return lines.joined(separator: "\n")
    }
}
