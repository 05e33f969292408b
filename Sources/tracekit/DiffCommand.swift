// DiffCommand: `tracekit diff`: per span name, how latency changed between two logs, with significance.

import ArgumentParser
import TraceAnalysis

/// `tracekit diff BASE NEW [--threshold PERCENT]`: exit 1 on a significant slowdown beyond the threshold.
struct DiffCommand: TracekitSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare span latencies of two logs per name; exit 1 on a significant slowdown.",
        discussion: """
            For each span name: the medians, their relative change, the 95% confidence interval of the shift \
            (Hodges-Lehmann) and the p-value of a two-sided Mann-Whitney U test, as benchstat does. A name is \
            "slower" when p < alpha and the median grew by at least --threshold percent; any such name makes \
            the exit status 1 (for CI). Names with fewer than 5 samples on a side are "insufficient".
            """
    )

    @Argument(help: "The baseline log (file or directory).")
    var base: String

    @Argument(help: "The new log (file or directory).")
    var new: String

    @Option(help: "The smallest change of the median, in percent, that counts as a slowdown.")
    var threshold: Double = 5

    @Option(help: "The significance level of the Mann-Whitney test.")
    var alpha: Double = 0.05

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
        LogInput.warnAboutDamage(baseFiles + newFiles)
        var options = LatencyDiffOptions()
        options.thresholdPercent = threshold
        options.alpha = alpha
        let report = LatencyDiffReport(baseline: baseline, candidate: candidate, options: options)
        StandardOutput.write(report.renderText())
        let slowdowns = report.slowdowns.map(\.name)
        if slowdowns.isEmpty {
            StandardOutput.write("no significant slowdown of \(Self.percent(threshold)) or more\n")
            return ExitStatus.success
        }
        StandardOutput.write(
            "significant slowdown of \(Self.percent(threshold)) or more: \(slowdowns.joined(separator: ", "))\n")
        return ExitStatus.findings
    }

    private static func percent(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}
