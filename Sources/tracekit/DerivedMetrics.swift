// DerivedMetrics: replays logs through a SpanAnalyzer into a fresh registry, for `metrics` and `demo`.

import TraceAnalysis
import TraceKit
import TraceMetrics

enum DerivedMetrics {
    /// A registry and an analyzer with the default derivation (span metrics and the seed's families).
    ///
    /// `createdUnixSeconds` stamps OpenMetrics' `_created`: the time the log was opened, so the output of
    /// the same log is the same on every run.
    static func analyzer(createdUnixSeconds: Double, path: String) throws(CLIError) -> SpanAnalyzer {
        let registry = MetricsRegistry(clock: .fixed(createdUnixSeconds))
        do {
            return try SpanAnalyzer(registry: registry)
        } catch {
            throw .demoFailed(path: path, reason: "cannot register the derived metrics: \(error)")
        }
    }

    /// The metrics derived from every span of `paths`, and what reading found.
    static func replay(_ paths: [String], progress: ProgressMode) throws(CLIError) -> (SpanAnalyzer, [LogFileSummary]) {
        let files = try LogInput.files(paths)
        let opened = try files.first.flatMap { (path) throws(CLIError) in try LogInput.firstHeader(path) }
        let created = Double(opened?.openedUnixNanoseconds ?? 0) / 1e9
        let analyzer = try analyzer(createdUnixSeconds: created, path: paths.first ?? "")
        // A block at a time: no SpanRecord per span (LogBatchReader, SpanAnalyzer.consume(_: SpanBatch)), and
        // only the attributes the analyzer reads decoded.
        let summaries = try LogInput.readBatches(
            files, progress: progress, attributes: analyzer.attributeKeys, preparingFor: analyzer
        ) { analyzer.consumePrepared($0) }
        return (analyzer, summaries)
    }
}
