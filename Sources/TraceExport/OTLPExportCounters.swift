// OTLPExportCounters: what the OTLP exporter did with its spans, kept for statistics and exposed as metrics.

import TraceKit
import TraceMetrics
import TraceSync

/// Thread-safe counts of exported, dropped, failed and rejected spans and of retries, mirrored into a registry if
/// given.
final class OTLPExportCounters: Sendable {
    private let counts = Locked(OTLPSpanExporter.Statistics(exported: 0, dropped: 0, failed: 0, retries: 0))
    private let exportedCounter: TraceMetrics.Counter?
    private let droppedCounter: TraceMetrics.Counter?
    private let failedCounter: TraceMetrics.Counter?
    private let rejectedCounter: TraceMetrics.Counter?
    private let retriesCounter: TraceMetrics.Counter?

    init(registry: MetricsRegistry?) {
        let outcomes = try? registry?.counterFamily(
            "tracekit_otlp_spans_total", help: "Spans handed to the OTLP exporter, by outcome.",
            labelNames: ["outcome"])
        exportedCounter = try? outcomes?.labels(["outcome": "exported"])
        droppedCounter = try? outcomes?.labels(["outcome": "dropped"])
        failedCounter = try? outcomes?.labels(["outcome": "failed"])
        rejectedCounter = try? outcomes?.labels(["outcome": "rejected"])
        retriesCounter = try? registry?.counter(
            "tracekit_otlp_retries_total", help: "OTLP requests sent again after a retryable failure.")
    }

    func add(exported: Int = 0, dropped: Int = 0, failed: Int = 0, retries: Int = 0, rejected: Int = 0) {
        counts.withLock { counts in
            counts.exported += exported
            counts.dropped += dropped
            counts.failed += failed
            counts.retries += retries
            counts.rejected += rejected
        }
        if exported > 0 { exportedCounter?.increment(by: exported) }
        if dropped > 0 { droppedCounter?.increment(by: dropped) }
        if failed > 0 { failedCounter?.increment(by: failed) }
        if retries > 0 { retriesCounter?.increment(by: retries) }
        if rejected > 0 { rejectedCounter?.increment(by: rejected) }
    }

    func snapshot() -> OTLPSpanExporter.Statistics { counts.withLock { $0 } }
}
