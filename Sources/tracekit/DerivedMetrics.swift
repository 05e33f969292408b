// DerivedMetrics: replays logs through a SpanAnalyzer into a fresh registry, for `metrics` and `demo`.

import Synchronization
import TraceAnalysis
import TraceKit
import TraceMetrics

enum DerivedMetrics {
    /// A registry and an analyzer with the default derivation (span metrics and the seed's families).
    ///
    /// `createdUnixSeconds` stamps OpenMetrics' `_created`: the time the log was opened, so the output of
    /// the same log is the same on every run.
    static func analyzer(createdUnixSeconds: Double, path: String) throws(CLIError) -> SpanAnalyzer {
        try analyzer(clock: .fixed(createdUnixSeconds), path: path)
    }

    /// A registry whose `_created` times come from `clock`, and an analyzer as above.
    static func analyzer(clock: MetricsClock, path: String) throws(CLIError) -> SpanAnalyzer {
        let registry = MetricsRegistry(clock: clock)
        do {
            return try SpanAnalyzer(registry: registry)
        } catch {
            throw .demoFailed(path: path, reason: "cannot register the derived metrics: \(error)")
        }
    }

    /// The metrics derived from every span of `inputs`, and what reading found.
    ///
    /// OpenMetrics' `_created` is the opening time in the first file header of the first log, so the output of the
    /// same log is the same on every run. A regular file's header is read ahead (one block); a stream's comes with
    /// its first block, so when the first log is a stream its spans are derived on this thread after that header,
    /// rather than prepared ahead on the reader's decoding threads (where they would make series before it).
    static func replay(_ inputs: LogSources, progress: ProgressMode) throws(CLIError) -> (SpanAnalyzer, LogRun) {
        let created = CreatedTime()
        let firstIsStream = inputs.files.first?.isStream ?? false
        if let first = inputs.files.first, !firstIsStream, let header = LogInput.firstHeader(first.openPath) {
            created.set(header.openedUnixNanoseconds)
        }
        let analyzer = try analyzer(clock: MetricsClock { created.seconds }, path: inputs.files.first?.path ?? "")
        var firstEntrySeen = false
        // A block at a time: no SpanRecord per span (LogBatchReader, SpanAnalyzer.consume(_: SpanBatch)), and
        // only the attributes the analyzer reads decoded.
        let run = LogInput.readBatches(
            inputs, progress: progress, attributes: analyzer.attributeKeys,
            preparingFor: firstIsStream ? nil : analyzer,
            onHeader: { header in
                if firstIsStream, !firstEntrySeen { created.set(header.openedUnixNanoseconds) }
                firstEntrySeen = true
            },
            onBatch: { batch in
                firstEntrySeen = true
                if firstIsStream { analyzer.consume(batch) } else { analyzer.consumePrepared(batch) }
            })
        return (analyzer, run)
    }
}

/// The `_created` time of derived metrics, set once the first file header is known; read by the registry's clock.
private final class CreatedTime: Sendable {
    private let nanoseconds = Atomic<UInt64>(0)

    func set(_ unixNanoseconds: UInt64) { nanoseconds.store(unixNanoseconds, ordering: .relaxed) }

    var seconds: Double { Double(nanoseconds.load(ordering: .relaxed)) / 1e9 }
}
