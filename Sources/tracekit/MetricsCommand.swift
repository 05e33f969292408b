// MetricsCommand: `tracekit metrics`: the metrics derived from the spans of logs, as Prometheus, OpenMetrics or JSON.

import ArgumentParser
import TraceMetrics

/// `tracekit metrics PATH... [--format prometheus|openmetrics|json]`.
struct MetricsCommand: TracekitSubcommand {
    /// The output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case prometheus
        case openmetrics
        case json
    }

    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the metrics derived from the spans of logs (Prometheus, OpenMetrics or JSON).",
        discussion: """
            Per span name, kind and status: traces_span_metrics_calls_total, a duration histogram with \
            exemplars (trace and span id of the slowest span per bucket) and a self-time histogram; plus the \
            seed's families: kernel_syscalls_total, kernel_syscall_permission_denied_total, \
            backend_http_requests_total, ai_ui_requests_total, ai_llm_calls_total, ui_tool_executions_total \
            and others (Docs/Metrics.md). The same spans give the same output as a live SpanAnalyzer.
            """
    )

    @Argument(help: "Log files or directories of .tklog files.")
    var paths: [String]

    @Option(help: "prometheus (text 0.0.4), openmetrics (1.0, with exemplars) or json.")
    var format: Format = .prometheus

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one log file or directory.") }
    }

    func execute() throws(CLIError) -> Int32 {
        let (analyzer, run) = try DerivedMetrics.replay(LogSources(paths), progress: progressOption.progress)
        try run.requireSomethingRead()
        let registry = analyzer.registry
        switch format {
        case .prometheus: StandardOutput.write(registry.exposition(.prometheusText))
        case .openmetrics: StandardOutput.write(registry.exposition(.openMetrics))
        case .json: StandardOutput.write(registry.metricsJSON() + "\n")
        }
        return try run.finish()
    }
}
