// DiffCommand: `tracekit diff`: per span name, how latency changed between two logs, with significance.

import ArgumentParser
import TraceAnalysis

extension MultipleComparisonCorrection: ExpressibleByArgument {}

/// `tracekit diff BASE NEW [--threshold PERCENT] [--min-change DURATION] [--alpha A] [--correction holm|bh|none]`:
/// exit 1 on a significant slowdown beyond both thresholds.
struct DiffCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare span latencies of two logs per name; exit 1 on a significant slowdown.",
        discussion: """
            For each span name: the medians, their relative change, the 95% confidence interval of the shift \
            (Hodges-Lehmann) and the p-value of a two-sided Mann-Whitney U test, as benchstat does, and that \
            p-value adjusted for the number of names compared (Holm's method by default, so the chance of any \
            false alarm in one diff stays below alpha). A name is "slower" when its adjusted p < alpha and its \
            median grew by at least --threshold percent and by at least --min-change; any such name makes the \
            exit status 1 (for CI). Names with fewer than 5 samples on a side are "insufficient".
            """
    )

    @Argument(help: "The baseline log (file or directory).")
    var base: String

    @Argument(help: "The new log (file or directory).")
    var new: String

    @Option(help: "The smallest change of the median, in percent, that counts as a slowdown.")
    var threshold: Double = 5

    @Option(
        name: .customLong("min-change"),
        help: """
            The smallest change of the median, as a duration (500ns, 5us, 2ms, 1s, 0), that counts as a slowdown; \
            both this and --threshold must be reached.
            """)
    var minimumChange = DurationArgument(nanoseconds: LatencyDiffOptions.defaultMinimumChangeNanoseconds)

    @Option(help: "The significance level, compared with the adjusted p-values.")
    var alpha: Double = 0.05

    @Option(
        help:
            "How p-values are adjusted for the number of names: holm (family-wise), bh (false discovery rate) or none.")
    var correction: MultipleComparisonCorrection = .holm

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if !(threshold >= 0 && threshold.isFinite) { throw ValidationError("--threshold must be a percentage >= 0.") }
        if !(alpha > 0 && alpha < 1) { throw ValidationError("--alpha must be between 0 and 1.") }
    }

    func execute() throws(CLIError) -> Int32 {
        var baseline = LatencySamples()
        var candidate = LatencySamples()
        let baseFiles = try LogInput.read([base], progress: progressOption.progress) { baseline.add($0) }
        let newFiles = try LogInput.read([new], progress: progressOption.progress) { candidate.add($0) }
        LogRun.warnAboutDamage(baseFiles + newFiles)
        var options = LatencyDiffOptions()
        options.thresholdPercent = threshold
        options.minimumChangeNanoseconds = minimumChange.nanoseconds
        options.alpha = alpha
        options.correction = correction
        let report = LatencyDiffReport(baseline: baseline, candidate: candidate, options: options)
        StandardOutput.write(report.renderText())
        let slowdowns = report.slowdowns.map(\.name)
        let rule =
            "\(Self.percent(threshold)) and \(DurationText.format(nanoseconds: minimumChange.nanoseconds)) or more"
        if slowdowns.isEmpty {
            StandardOutput.write("no significant slowdown of \(rule)\n")
            return ExitStatus.success
        }
        StandardOutput.write("significant slowdown of \(rule): \(slowdowns.joined(separator: ", "))\n")
        return ExitStatus.findings
    }

    private static func percent(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}
