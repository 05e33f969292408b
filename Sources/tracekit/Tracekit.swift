// Tracekit: the `tracekit` command's entry point, its subcommands and the exit codes they share.

import ArgumentParser

/// The `tracekit` command: runs the demo workload and reads, checks, analyses and converts trace logs.
@main
struct Tracekit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracekit",
        abstract: "Write, check, replay and analyse TraceKit trace logs (.tklog).",
        discussion: """
            Start with `tracekit demo`: it traces a workload modelled on an agent system (kernel syscalls, \
            backend HTTP requests, AI-service operations, UI tool executions), writes the trace log, \
            replays it and prints the metrics derived from it.

            A PATH may be a log file, a directory (its .tklog files, rotated ones included) or a stream \
            (/dev/stdin, a pipe, <(...), a FIFO). Damaged blocks are reported on stderr and skipped; the \
            commands carry on with the spans that remain. Given several logs, a command skips one it cannot \
            read or that is not a TraceKit log, says so, and exits 1. A progress bar is drawn on stderr when it \
            is a terminal and the input is large (--progress).

            EXIT CODES
              0   success (verify: every block intact; diff: no significant slowdown)
              1   verify: damage found; diff: a significant slowdown beyond both
                  thresholds; the other reading commands: a log among several was
                  skipped (unreadable, or not a TraceKit log) and left out
              2   nothing could be read, an output cannot be written, --trace is
                  unknown; verify and diff: any input unreadable or not a log;
                  serve: also a port that cannot be bound
              64  bad command line (unknown command or flag, missing or malformed
                  argument)
            """,
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, VerifyCommand.self, ReplayCommand.self, TreeCommand.self, TopCommand.self,
            StatsCommand.self, MetricsCommand.self, DiffCommand.self, ExportCommand.self, ReportCommand.self,
            ServeCommand.self,
        ]
    )

    static func main() async {
        PosixWrite.guardStandardDescriptors()
        let arguments = Array(CommandLine.arguments.dropFirst())
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot(arguments)
        } catch {
            // swift-argument-parser's message first, then a suggestion for a mistyped command name.
            let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
            if exitCode(for: error) == .validationFailure,
                let hint = CommandSuggestion.hint(for: arguments, among: names)
            {
                StandardError.write(fullMessage(for: error) + "\n" + hint + "\n")
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
