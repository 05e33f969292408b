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

            A PATH may be a log file or a directory (its .tklog files, rotated ones included). Damaged \
            blocks are reported on stderr and skipped; the commands carry on with the spans that remain. \
            A progress bar is drawn on stderr when it is a terminal and the input is large (--progress).

            EXIT CODES
              0   success (verify: every block intact; diff: no significant slowdown)
              1   verify: damage found; diff: a significant slowdown beyond both thresholds
              2   a file cannot be read or written, is not a TraceKit log, or --trace is unknown;
                  serve: also a port that cannot be bound
              64  bad command line (unknown flag, missing or malformed argument)
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
        await main(nil)
    }
}
