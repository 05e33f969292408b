// LogRun: what a reading command read and skipped, the warnings it owes the user, and its exit status.

import TraceLog

/// What a command read: a report per log read, and the inputs it skipped.
///
/// A command given several logs reads what it can: a file that cannot be read or is not a TraceKit log is skipped
/// with a warning, and the exit status says so (1). Only when nothing at all could be read is it an error (2).
struct LogRun {
    /// The logs read, in order.
    var files: [LogSet.FileReport] = []
    /// The inputs skipped (unreadable, or not TraceKit logs), with why, in order.
    var skipped: [CLIError] = []

    /// What a replay of `inputs` read: the inputs left out before reading, then the files the replay skipped.
    init(_ inputs: LogSources, _ report: LogSet.Report) {
        files = report.files
        skipped = inputs.problems + report.skipped.map(CLIError.init)
    }

    /// Adds what another pass over the same logs found (a second pass of `tree` or `report`): its skips, and the
    /// damage it saw that the first did not.
    mutating func merge(secondPass: LogRun) {
        skipped += secondPass.skipped
        for file in secondPass.files {
            guard let index = files.firstIndex(where: { $0.path == file.path }) else { continue }
            let known = Set(files[index].damages.map(\.offset))
            files[index].damages += file.damages.filter { !known.contains($0.offset) }
        }
    }

    /// Throws the error of the last input when none could be read (after printing the others' errors), so the
    /// command fails with exit status 2 as for a single unreadable file.
    func requireSomethingRead() throws(CLIError) {
        guard files.isEmpty, let last = skipped.last else { return }
        for error in skipped.dropLast() { StandardError.write("tracekit: error: \(error)\n") }
        throw last
    }

    /// Warns on stderr about damage, drop notices and skipped inputs, and returns the exit status: 1 when an input
    /// was skipped (the output leaves it out), else 0. Throws as `requireSomethingRead()` when nothing was read.
    func finish() throws(CLIError) -> Int32 {
        try requireSomethingRead()
        Self.warnAboutDamage(files)
        guard !skipped.isEmpty else { return ExitStatus.success }
        for error in skipped { StandardError.write("tracekit: warning: skipped \(error)\n") }
        let logs = files.count == 1 ? "1 log" : "\(files.count) logs"
        StandardError.write(
            "tracekit: warning: the output covers the \(logs) read, not the \(skipped.count) input(s) skipped "
                + "(exit status 1)\n")
        return ExitStatus.findings
    }

    /// Prints one warning line per damaged file, per file with drop notices, and per file in a newer format than
    /// this tracekit reads, to stderr.
    static func warnAboutDamage(_ files: [LogSet.FileReport]) {
        for file in files {
            if let note = file.newerFormatNote { StandardError.write("tracekit: warning: \(file.path): \(note)\n") }
        }
        for file in files where !file.damages.isEmpty {
            let first = file.damages[0]
            let more = file.damages.count > 1 ? " (and \(file.damages.count - 1) more)" : ""
            StandardError.write(
                "tracekit: warning: \(file.path): skipped \(file.damages.count) damaged region(s): "
                    + "offset \(first.offset), \(first.reason)\(more); run `tracekit verify` for details\n")
        }
        for file in files where file.droppedSpanCount > 0 {
            StandardError.write(
                "tracekit: warning: \(file.path): the writer dropped \(file.droppedSpanCount) span(s)\n")
        }
    }
}

extension LogSet.FileReport {
    /// A note that the file was written in a newer format than this tracekit reads, `nil` when it was not: it was
    /// read as far as this version knows the format (Docs/LogFormat.md section 2.3), and may hold more.
    var newerFormatNote: String? {
        guard newestFormatVersion > LogFileHeader.newestKnownFormatVersion else { return nil }
        return "written in trace log format version \(newestFormatVersion), newer than the version "
            + "\(LogFileHeader.newestKnownFormatVersion) this tracekit reads: what it does not know (records, columns, "
            + "fields) was skipped; a newer tracekit reads all of it"
    }
}
