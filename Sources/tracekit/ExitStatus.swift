// ExitStatus: the exit codes `tracekit` documents, and how a failed command reports its error.

import ArgumentParser

/// The exit codes listed in `tracekit --help` and Docs/CLI.md.
enum ExitStatus {
    /// Success.
    static let success: Int32 = 0
    /// `verify` found damage; `diff` found a significant slowdown; a reading command skipped one of several inputs.
    static let findings: Int32 = 1
    /// An input cannot be read, is not a TraceKit log, or an output cannot be written.
    static let inputError: Int32 = 2
}

/// A subcommand whose body throws only `CLIError` and returns its exit status.
protocol TracekitSubcommand: ParsableCommand {
    /// Does the work; returns `ExitStatus.success` or `ExitStatus.findings`.
    func execute() throws(CLIError) -> Int32
}

extension TracekitSubcommand {
    func run() throws {
        let status: Int32
        do {
            status = try execute()
        } catch {
            StandardError.write("tracekit: error: \(error)\n")
            throw ExitCode(ExitStatus.inputError)
        }
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}
