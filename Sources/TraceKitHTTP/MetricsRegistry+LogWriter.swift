// MetricsRegistry+LogWriter: a log writer's own counters (written, dropped, lost, bytes) as Prometheus metrics.

import TraceLog
import TraceMetrics
import TraceSync

extension MetricsRegistry {
    /// Mirrors `writer.statistics` into counters, brought up to date at every scrape, labelled with the log's
    /// path:
    ///
    /// | family | what |
    /// |---|---|
    /// | `tracekit_log_spans_written_total` | spans in blocks written successfully |
    /// | `tracekit_log_spans_dropped_total{reason}` | `buffer_full` (hand-over buffer full or writer closed), `write_failed` (block write failed, e.g. disk full), `too_large` (span larger than a block) |
    /// | `tracekit_log_blocks_written_total`, `tracekit_log_bytes_written_total` | blocks and bytes written |
    /// | `tracekit_log_write_errors_total` | failed block writes |
    /// | `tracekit_log_rotations_total`, `tracekit_log_rotated_files_deleted_total` | rotation |
    ///
    /// ```swift
    /// let writer = try LogWriter(path: "app.tklog", resource: Resource(serviceName: "app"))
    /// try registry.exposeStatistics(of: writer)
    /// // alert: increase(tracekit_log_spans_dropped_total[5m]) > 0
    /// ```
    ///
    /// Call it once per writer: the registry keeps the writer (and reads it at every scrape) for its lifetime.
    ///
    /// - Throws: `MetricsRegistryError` when one of the names is already registered differently.
    public func exposeStatistics(of writer: LogWriter) throws(MetricsRegistryError) {
        let log = ["log": writer.path]
        func counter(_ name: String, _ help: String, labels: [String: String] = [:]) throws(MetricsRegistryError)
            -> Counter
        {
            let family = try counterFamily(name, help: help, labelNames: Array(labels.keys) + ["log"])
            return try family.labels(labels.merging(log) { first, _ in first })
        }
        let mirrors: [(Counter, @Sendable (LogWriterStatistics) -> UInt64)] = [
            (try counter("tracekit_log_spans_written_total", "Spans in trace log blocks written."), \.spansWritten),
            (
                try counter(
                    "tracekit_log_spans_dropped_total", "Spans the trace log writer dropped, by reason.",
                    labels: ["reason": "buffer_full"]), \.spansDropped
            ),
            (
                try counter(
                    "tracekit_log_spans_dropped_total", "Spans the trace log writer dropped, by reason.",
                    labels: ["reason": "write_failed"]), \.spansLost
            ),
            (
                try counter(
                    "tracekit_log_spans_dropped_total", "Spans the trace log writer dropped, by reason.",
                    labels: ["reason": "too_large"]), \.spansTooLarge
            ),
            (try counter("tracekit_log_blocks_written_total", "Trace log blocks written."), \.blocksWritten),
            (try counter("tracekit_log_bytes_written_total", "Trace log bytes written."), \.bytesWritten),
            (try counter("tracekit_log_write_errors_total", "Failed trace log block writes."), \.writeErrors),
            (try counter("tracekit_log_rotations_total", "Trace log files rotated."), \.rotations),
            (
                try counter(
                    "tracekit_log_rotated_files_deleted_total", "Rotated trace log files deleted by retention."),
                \.rotatedFilesDeleted
            ),
        ]
        // Counters only go up: add what this writer counted since the last scrape, remembered per hook, so a
        // writer reopened on the same path (same series) adds its own counts on top. The lock keeps two
        // concurrent scrapes from adding the same difference twice.
        let seen = Locked([UInt64](repeating: 0, count: mirrors.count))
        onCollect {
            seen.withLock { seen in
                let statistics = writer.statistics
                for (index, (counter, read)) in mirrors.enumerated() {
                    let total = read(statistics)
                    if total > seen[index] { counter.increment(by: Int(clamping: total - seen[index])) }
                    seen[index] = max(seen[index], total)
                }
            }
        }
    }
}
