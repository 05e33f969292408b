// LogRun: what a reading command read and skipped, the warnings it owes the user, and its exit status.

/// What a command read: a summary per log read, and the inputs it skipped.
///
/// A command given several logs reads what it can: a file that cannot be read or is not a TraceKit log is skipped
/// with a warning, and the exit status says so (1). Only when nothing at all could be read is it an error (2).
struct LogRun {
    /// The logs read, in order.
    var files: [LogFileSummary] = []
    /// The inputs skipped (unreadable, or not TraceKit logs), with why, in order.
    var skipped: [CLIError] = []

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
        LogInput.warnAboutDamage(files)
        guard !skipped.isEmpty else { return ExitStatus.success }
        for error in skipped { StandardError.write("tracekit: warning: skipped \(error)\n") }
        let logs = files.count == 1 ? "1 log" : "\(files.count) logs"
        StandardError.write(
            "tracekit: warning: the output covers the \(logs) read, not the \(skipped.count) input(s) skipped "
                + "(exit status 1)\n")
        return ExitStatus.findings
    }
}
