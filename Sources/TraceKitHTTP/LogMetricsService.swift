// LogMetricsService: feeds trace logs (replayed, optionally followed) into a span analyzer, as a Service.

import ServiceLifecycle
import TraceAnalysis
import TraceKit
import TraceLog

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replays trace logs into a ``SpanAnalyzer`` so their derived metrics can be served; with `follow`, keeps reading
/// each log as its writer seals new blocks, until graceful shutdown.
///
/// Without `follow`, files are read one after another, each in the order its spans finished (what self time
/// needs), a block at a time (`LogBatchReader`, no `SpanRecord` per span); with `follow` the files are read in
/// turn, span by span, each followed across rotation. The reading runs on a thread of its own, never on the Swift
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
    /// The logs read (files; see `LogRotation.logFiles(inDirectory:)` for a directory).
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
            try await BlockingReadThread.run { stop in
                if service.follow {
                    try service.followFiles(until: stop)
                } else {
                    try service.replayFiles(until: stop)
                }
            }
        }
    }

    /// Every file a block at a time (`LogBatchReader`): no `SpanRecord` per span, only the attributes the
    /// analyzer reads decoded, and everything but self time derived on the decoding threads.
    private func replayFiles(until stop: StopSignal) throws {
        for path in paths {
            let reader = try LogBatchReader(path: path, attributes: analyzer.attributeKeys, preparingFor: analyzer)
            while let entry = reader.next() {
                if stop.isRaised { return }
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
        }
        if !stop.isRaised { readiness.markReady() }
    }

    /// Follows every file, taking up to `entriesPerTurn` entries from each in turn; sleeps when all are caught up.
    private func followFiles(until stop: StopSignal) throws {
        let readers = try paths.map { try LogReader(path: $0, follow: true, preparingFor: analyzer) }
        let entriesPerTurn = 65_536
        var caughtUp = [Bool](repeating: false, count: readers.count)
        while !stop.isRaised {
            var anyBehind = false
            for (index, reader) in readers.enumerated() {
                var taken = 0
                while taken < entriesPerTurn, let entry = reader.next() {
                    if stop.isRaised { return }
                    consume(entry)
                    taken += 1
                }
                if taken < entriesPerTurn {
                    caughtUp[index] = true
                } else {
                    anyBehind = true
                }
            }
            if !readiness.isReady, !caughtUp.contains(false) { readiness.markReady() }
            if !anyBehind { Self.sleep(pollInterval) }
        }
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

    private static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
