// MetricsRegistry+TracingStatistics: what tracing lost or shortened, as Prometheus counters on every /metrics.

import TraceKit
import TraceMetrics
import TraceSync

extension MetricsRegistry {
    /// Serves the counts of the bootstrapped recorder (whichever is installed at each scrape), brought up to
    /// date at every collection:
    ///
    /// | family | what |
    /// |---|---|
    /// | `tracekit_spans_dropped_total{reason}` | spans finished but lost by a sink: `buffer_full`, `write_failed`, `too_large` (log writers), `export_queue_full`, `export_failed` (OTLP exporters) |
    /// | `tracekit_span_limits_applied_total{effect}` | what span limits removed: `attribute_dropped`, `event_dropped`, `value_truncated` |
    ///
    /// Every `/metrics` endpoint of this module calls it for its registry, so these are on every scrape
    /// without set-up; calling it again for the same registry does nothing. The counters only go up, also
    /// across a shutdown and a new bootstrap.
    ///
    /// ```swift
    /// try registry.exposeTracingStatistics()
    /// // alert: increase(tracekit_spans_dropped_total[5m]) > 0
    /// ```
    ///
    /// - Throws: `MetricsRegistryError` when one of the names is already registered differently.
    public func exposeTracingStatistics() throws(MetricsRegistryError) {
        guard TracingStatisticsHooks.claim(self) else { return }
        let dropped = try counterFamily(
            "tracekit_spans_dropped_total", help: "Finished spans a sink lost (never written or exported), by reason.",
            labelNames: ["reason"])
        let limits = try counterFamily(
            "tracekit_span_limits_applied_total",
            help: "Attributes and events dropped and values shortened by span limits, by effect.",
            labelNames: ["effect"])
        let mirror = Locked(TracingStatisticsMirror())
        onCollect {
            guard let recorder = TraceSystem.recorder else { return }
            let statistics = recorder.statistics
            var counts: [(family: CounterFamily, label: String, value: String, total: UInt64)] = []
            for (reason, total) in recorder.droppedSpans { counts.append((dropped, "reason", reason, total)) }
            counts.append((limits, "effect", "attribute_dropped", statistics.droppedAttributes))
            counts.append((limits, "effect", "event_dropped", statistics.droppedEvents))
            counts.append((limits, "effect", "value_truncated", statistics.truncatedValues))
            mirror.withLock { mirror in
                mirror.follow(ObjectIdentifier(recorder))
                for count in counts {
                    let key = count.label + "=" + count.value
                    let seen = mirror.seen[key, default: 0]
                    guard let counter = try? count.family.labels([count.label: count.value]) else { continue }
                    if count.total > seen { counter.increment(by: Int(clamping: count.total - seen)) }
                    mirror.seen[key] = max(seen, count.total)
                }
            }
        }
    }
}

/// What the counters already hold of the recorder they follow; a new recorder's counts add on top.
struct TracingStatisticsMirror {
    var recorder: ObjectIdentifier?
    var seen: [String: UInt64] = [:]

    mutating func follow(_ identity: ObjectIdentifier) {
        guard recorder != identity else { return }
        recorder = identity
        seen.removeAll()
    }
}

/// The registries that already serve the tracing statistics, so that two endpoints on one registry do not
/// count everything twice.
enum TracingStatisticsHooks {
    private final class WeakRegistry: Sendable {
        weak let registry: MetricsRegistry?
        init(_ registry: MetricsRegistry) { self.registry = registry }
    }

    private static let hooked = Locked<[WeakRegistry]>([])

    /// `true` the first time it is asked for `registry`.
    static func claim(_ registry: MetricsRegistry) -> Bool {
        hooked.withLock { hooked in
            hooked.removeAll { $0.registry == nil }
            guard !hooked.contains(where: { $0.registry === registry }) else { return false }
            hooked.append(WeakRegistry(registry))
            return true
        }
    }
}
