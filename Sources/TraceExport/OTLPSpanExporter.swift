// OTLPHTTPExporter: a span sink that batches spans and posts them as OTLP/JSON to a collector on its own thread.

import TraceKit
import TraceMetrics
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Sends finished spans to an OpenTelemetry Collector over OTLP/HTTP (JSON), e.g. `http://127.0.0.1:4318/v1/traces`.
///
/// `consume(_:)` only appends to a bounded queue (a full queue drops the span and counts it); a dedicated thread
/// sends batches and retries with exponential backoff on connection errors, 429 and 503. Counts are in
/// ``statistics`` and, when a registry is given, in `tracekit_otlp_spans_total{outcome=...}` and
/// `tracekit_otlp_retries_total`.
///
/// ```swift
/// let exporter = try OTLPHTTPExporter(url: "http://127.0.0.1:4318/v1/traces", resource: Resource(serviceName: "api"))
/// try TraceSystem.bootstrap(TraceConfiguration(service: "api", sinks: [logWriter, exporter]))
/// ```
public final class OTLPHTTPExporter: SpanDropReporting {
    /// Batching, queueing and retry settings.
    public struct Options: Sendable {
        /// The most spans waiting to be sent; beyond it new spans are dropped and counted.
        public var queueCapacity: Int
        /// The most spans per request.
        public var batchSize: Int
        /// How long a partial batch waits before it is sent anyway.
        public var batchDelay: Duration
        /// Retries and backoff.
        public var retry: OTLPRetryPolicy
        /// Connect, send and receive timeout per attempt.
        public var timeout: Duration

        /// Creates options; the defaults suit a collector on the same host.
        public init(
            queueCapacity: Int = 8192, batchSize: Int = 512, batchDelay: Duration = .seconds(2),
            retry: OTLPRetryPolicy = .init(), timeout: Duration = .seconds(10)
        ) {
            self.queueCapacity = queueCapacity
            self.batchSize = batchSize
            self.batchDelay = batchDelay
            self.retry = retry
            self.timeout = timeout
        }
    }

    /// What happened to the spans handed to the exporter.
    public struct Statistics: Hashable, Sendable {
        /// Spans the collector accepted.
        public var exported: Int
        /// Spans dropped because the queue was full or the exporter closed.
        public var dropped: Int
        /// Spans in batches that failed for good (non-retryable answer, or attempts used up).
        public var failed: Int
        /// Retried attempts.
        public var retries: Int

        /// Creates statistics (for comparisons in tests).
        public init(exported: Int, dropped: Int, failed: Int, retries: Int) {
            self.exported = exported
            self.dropped = dropped
            self.failed = failed
            self.retries = retries
        }
    }

    /// The endpoint spans are posted to.
    public let url: String
    /// The resource every request carries.
    public let resource: Resource
    /// The settings in use.
    public let options: Options
    private let endpoint: HTTPEndpoint
    private let queue: OTLPExportQueue
    private let counters: OTLPExportCounters
    private let thread = Locked<pthread_t?>(nil)

    /// Creates the exporter and starts its thread; throws for a URL that is not `http://host:port/path`.
    public init(
        url: String, resource: Resource, options: Options = .init(), registry: MetricsRegistry? = nil
    ) throws(OTLPExportError) {
        self.url = url
        self.resource = resource
        self.options = options
        self.endpoint = try HTTPEndpoint(url)
        self.queue = OTLPExportQueue(capacity: options.queueCapacity, batchSize: options.batchSize)
        self.counters = OTLPExportCounters(registry: registry)
        try startThread()
    }

    deinit { shutdown() }

    /// Queues the span; never blocks. A full queue drops it (counted in ``Statistics/dropped``).
    public func consume(_ span: SpanRecord) {
        if !queue.offer(span) { counters.add(dropped: 1) }
    }

    /// Sends everything queued so far and returns when the collector answered (or the batch failed for good).
    public func flush() {
        queue.flushAndWait()
    }

    /// Sends what is queued, stops the thread and joins it; spans consumed afterwards are dropped and counted.
    public func shutdown() {
        queue.close()
        let handle: pthread_t? = thread.withLock { handle in
            defer { handle = nil }
            return handle
        }
        if let handle { pthread_join(handle, nil) }
    }

    /// The counts so far.
    public var statistics: Statistics { counters.snapshot() }

    /// Spans lost so far by reason: `export_queue_full` (the queue to the exporter thread was full) and
    /// `export_failed` (refused by the receiver, or still failing after the retries).
    public var droppedSpanCounts: [String: UInt64] {
        let statistics = self.statistics
        return [
            "export_queue_full": UInt64(clamping: statistics.dropped),
            "export_failed": UInt64(clamping: statistics.failed),
        ]
    }

    /// Exports `spans` now, in batches, on the calling thread, with retries; returns how many were sent.
    ///
    /// For one-off exports such as `tracekit export --otlp URL`; it blocks, so call it outside async code.
    ///
    /// ```swift
    /// let sent = try OTLPHTTPExporter.export(spans, resource: resource, to: "http://127.0.0.1:4318/v1/traces")
    /// ```
    @discardableResult
    public static func export(
        _ spans: some Sequence<SpanRecord>, resource: Resource, to url: String, options: Options = .init()
    ) throws(OTLPExportError) -> Int {
        let endpoint = try HTTPEndpoint(url)
        var batch: [SpanRecord] = []
        var sent = 0
        let batchSize = max(1, options.batchSize)
        let timeoutSeconds = Self.seconds(options.timeout)
        for span in spans {
            batch.append(span)
            if batch.count == batchSize {
                try options.retry.send(
                    OTLPJSONEncoder.exportRequest(resource: resource, spans: batch), to: endpoint,
                    timeoutSeconds: timeoutSeconds)
                sent += batch.count
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty {
            try options.retry.send(
                OTLPJSONEncoder.exportRequest(resource: resource, spans: batch), to: endpoint,
                timeoutSeconds: timeoutSeconds)
            sent += batch.count
        }
        return sent
    }

    /// Checks that `url` is an endpoint `export` can send to (`http://host:port/path`), without connecting.
    ///
    /// ```swift
    /// try OTLPHTTPExporter.validate(url: "http://127.0.0.1:4318/v1/traces")
    /// ```
    public static func validate(url: String) throws(OTLPExportError) {
        _ = try HTTPEndpoint(url)
    }

    static func seconds(_ duration: Duration) -> Int {
        max(1, Int(duration.components.seconds))
    }

    private func startThread() throws(OTLPExportError) {
        let context = OTLPExportThread(
            queue: queue, counters: counters, endpoint: endpoint, resource: resource, options: options)
        switch DedicatedThread.start({ context.run() }) {
        case .success(let handle): thread.withLock { $0 = handle }
        case .failure(let failure):
            throw .transferFailed(
                host: endpoint.host, port: endpoint.port, reason: "cannot start thread (\(failure.errno))")
        }
    }
}

/// The export thread's loop: take a batch, encode, send with retries, count, repeat until closed.
// @unchecked Sendable: handed to the new thread once; it only holds immutable values and thread-safe objects.
private final class OTLPExportThread: @unchecked Sendable {
    let queue: OTLPExportQueue
    let counters: OTLPExportCounters
    let endpoint: HTTPEndpoint
    let resource: Resource
    let options: OTLPHTTPExporter.Options

    init(
        queue: OTLPExportQueue, counters: OTLPExportCounters, endpoint: HTTPEndpoint, resource: Resource,
        options: OTLPHTTPExporter.Options
    ) {
        self.queue = queue
        self.counters = counters
        self.endpoint = endpoint
        self.resource = resource
        self.options = options
    }

    func run() {
        let delay = options.batchDelay.components
        let delayNanoseconds =
            UInt64(max(0, delay.seconds)) * 1_000_000_000 + UInt64(max(0, delay.attoseconds / 1_000_000_000))
        let timeoutSeconds = OTLPHTTPExporter.seconds(options.timeout)
        var batch: [SpanRecord] = []
        batch.reserveCapacity(queue.batchSize)
        while true {
            let work = queue.take(into: &batch, delayNanoseconds: delayNanoseconds)
            if !batch.isEmpty {
                let body = OTLPJSONEncoder.exportRequest(resource: resource, spans: batch)
                do {
                    try options.retry.send(body, to: endpoint, timeoutSeconds: timeoutSeconds) { _ in
                        counters.add(retries: 1)
                    }
                    counters.add(exported: batch.count)
                } catch {
                    counters.add(failed: batch.count)
                }
                batch.removeAll(keepingCapacity: true)
            }
            queue.completeFlushes(upTo: work.flushTicket)
            if work.close { break }
        }
        queue.markFinished()
    }
}
