// LogMetricsService: feeds trace logs (replayed, optionally followed) into a span analyzer, as a Service.

import ServiceLifecycle
import TraceAnalysis
import TraceKit
import TraceLog

/// Replays trace logs into a ``SpanAnalyzer`` so their derived metrics can be served; with `follow`, keeps reading
/// each log as its writer seals new blocks, until graceful shutdown.
///
/// The reading is a ``LogSet`` replay. Without `follow`, files are read one after another, each in the order its
/// spans finished (what self time needs), a block at a time (`LogSet.readBatches`, no `SpanRecord` per span); with
/// `follow` the files are read in turn, span by span, each followed across rotation (`LogSet.follow`). The reading runs on a thread of its own, never on the Swift
/// concurrency pool, and stops between blocks on cancellation or graceful shutdown (SIGTERM, SIGINT).
///
/// ``readiness`` is marked once the initial replay has reached the end of every file: hand it to the
/// ``MetricsServer`` so `/metrics` answers 503 rather than expose partial counts, which Prometheus would take for a
/// counter reset. `tracekit serve` runs it beside a ``MetricsServer`` on the same registry.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let feeder = LogMetricsService(paths: ["app.tklog"], follow: true, analyzer: try SpanAnalyzer(registry: registry))
/// let server = MetricsServer(registry: registry, readiness: feeder.readiness)
/// try await ServiceGroup(services: [feeder, server], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct LogMetricsService: Service {
    /// The log files read, in this order (`LogSet(paths:).files` lists the files of a directory).
    public let paths: [String]
    /// Whether to keep reading logs that are still being written.
    public let follow: Bool
    /// Where the spans go.
    public let analyzer: SpanAnalyzer
    /// Ready once the initial replay has reached the end of every file (in follow mode: caught up with each writer).
    public let readiness: MetricsReadiness
    /// How often a followed log that has nothing new is looked at again.
    public var pollInterval: Duration = .milliseconds(200)
    private let onDamage: (@Sendable (LogDamage) -> Void)?
    private let progress = ReplayProgress()
    /// Tests only: runs on the reading thread after each block (or span, in follow mode) is consumed.
    var afterEntry: (@Sendable () -> Void)?

    /// Creates the service; nothing is read until ``run()``. `onDamage` is called (on the reading thread) for every
    /// damaged region skipped.
    ///
    /// ```swift
    /// let feeder = LogMetricsService(paths: ["app.tklog"], analyzer: analyzer) { damage in print("skipped", damage) }
    /// ```
    public init(
        paths: [String], follow: Bool = false, analyzer: SpanAnalyzer, readiness: MetricsReadiness = MetricsReadiness(),
        onDamage: (@Sendable (LogDamage) -> Void)? = nil
    ) {
        self.paths = paths
        self.follow = follow
        self.analyzer = analyzer
        self.readiness = readiness
        self.onDamage = onDamage
    }

    /// Spans handed to the analyzer so far.
    public var spansRead: Int { progress.spans }

    /// Damaged regions skipped so far (each also counted by the reader; the log stays usable).
    public var damagedRegions: Int { progress.damages }

    /// Reads the logs; without `follow` returns at their end, with `follow` on cancellation or graceful shutdown.
    /// Cancellation or graceful shutdown returns at once: a block being read is dropped, nothing more is consumed.
    ///
    /// - Throws: `TraceLogError.cannotOpen` when a file cannot be opened.
    public func run() async throws {
        let service = self
        try await cancelWhenGracefulShutdown {
            try await BlockingReadThread.run { stop in try service.read(until: stop) }
        }
    }

    /// Without `follow`, every file a block at a time (`LogSet.readBatches`): no `SpanRecord` per span, only the
    /// attributes the analyzer reads decoded, and everything but self time derived on the decoding threads. With
    /// `follow`, the files in turn, span by span, each followed across rotation (`LogSet.follow`).
    private func read(until stop: StopSignal) throws {
        let files = paths.map(LogSet.File.init(path:))
        do throws(LogSet.Problem) {
            if follow {
                try LogSet(files: files).follow(
                    preparingFor: analyzer, pollInterval: pollInterval, until: { stop.isRaised },
                    onCaughtUp: readiness.markReady
                ) { entry, _ in consume(entry) }
                return
            }
            // File by file, so a file that cannot be opened fails the service before the next is read.
            for file in files {
                let report = LogSet(files: [file]).readBatches(
                    attributes: analyzer.attributeKeys, preparingFor: analyzer, until: { stop.isRaised }
                ) { entry, _ in consume(entry) }
                if let unreadable = report.skipped.first, case .cannotRead = unreadable { throw unreadable }
            }
        } catch {
            // A file that cannot be opened fails the service with the reader's error (`TraceLogError.cannotOpen`).
            if case .cannotRead(_, let underlying) = error { throw underlying }
            throw error
        }
        if !stop.isRaised { readiness.markReady() }
    }

    private func consume(_ entry: LogBatchEntry) {
        switch entry {
        case .spans(let batch):
            analyzer.consumePrepared(batch)
            progress.addSpans(batch.count)
        case .damage(let damage):
            progress.addDamage()
            onDamage?(damage)
        case .header, .droppedSpans:
            break
        }
        afterEntry?()
    }

    private func consume(_ entry: LogEntry) {
        switch entry {
        case .span(let span):
            analyzer.consumePrepared(span)
            progress.addSpan()
        case .damage(let damage):
            progress.addDamage()
            onDamage?(damage)
        case .header, .droppedSpans:
            break
        }
        afterEntry?()
    }
}
