// LogMetricsService: feeds trace logs (replayed, optionally followed) into a span analyzer, as a Service.

import ServiceLifecycle
import TraceAnalysis
import TraceKit
import TraceLog

/// Replays trace logs into a ``SpanAnalyzer`` so their derived metrics can be served; with `follow`, keeps reading
/// each log as its writer seals new blocks, until graceful shutdown.
///
/// Without `follow`, files are read one after another, each in the order its spans finished (what self time
/// needs), a block at a time (`LogBatchReader`, no `SpanRecord` per span); with `follow` each file is followed on
/// its own, span by span (also across rotation). `tracekit serve` runs it beside a ``MetricsServer`` on the same registry.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let feeder = LogMetricsService(paths: ["app.tklog"], follow: true, analyzer: try SpanAnalyzer(registry: registry))
/// let server = MetricsServer(registry: registry)
/// try await ServiceGroup(services: [feeder, server], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct LogMetricsService: Service {
    /// The logs read.
    public let paths: [String]
    /// Whether to keep reading logs that are still being written.
    public let follow: Bool
    /// Where the spans go.
    public let analyzer: SpanAnalyzer
    private let progress = ReplayProgress()

    /// Creates the service; nothing is read until ``run()``.
    public init(paths: [String], follow: Bool = false, analyzer: SpanAnalyzer) {
        self.paths = paths
        self.follow = follow
        self.analyzer = analyzer
    }

    /// Spans handed to the analyzer so far.
    public var spansRead: Int { progress.spans }

    /// Damaged regions skipped so far (each also counted by the reader; the log stays usable).
    public var damagedRegions: Int { progress.damages }

    /// Reads the logs; without `follow` returns at their end (or when cancelled), with `follow` on cancellation or
    /// graceful shutdown.
    ///
    /// - Throws: `TraceLogError.cannotOpen` when a file cannot be opened.
    public func run() async throws {
        if follow {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for path in paths {
                        group.addTask { try await feed(LogEntries(path: path, follow: true, preparingFor: analyzer)) }
                    }
                    try await group.waitForAll()
                }
            }
        } else {
            for path in paths { try await feedBatches(path) }
        }
    }

    /// A whole file a block at a time (`LogBatchReader`): no `SpanRecord` per span, only the attributes the
    /// analyzer reads decoded, and everything but self time derived on the decoding threads.
    private func feedBatches(_ path: String) async throws {
        let reader = try LogBatchReader(path: path, attributes: analyzer.attributeKeys, preparingFor: analyzer)
        while let entry = reader.next() {
            switch entry {
            case .spans(let batch):
                analyzer.consumePrepared(batch)
                progress.addSpans(batch.count)
            case .damage:
                progress.addDamage()
            case .header, .droppedSpans:
                break
            }
            // Reading is synchronous file I/O on this task: give the HTTP server's tasks a turn after each block.
            await Task.yield()
            if Task.isCancelled { return }
        }
    }

    private func feed(_ entries: LogEntries) async throws {
        var sinceYield = 0
        for try await entry in entries {
            switch entry {
            case .span(let span):
                analyzer.consumePrepared(span)
                progress.addSpan()
            case .damage:
                progress.addDamage()
            case .header, .droppedSpans:
                break
            }
            // Reading is synchronous file I/O on this task: give the HTTP server's tasks a turn now and then.
            sinceYield += 1
            if sinceYield == 4096 {
                sinceYield = 0
                await Task.yield()
            }
        }
    }
}
