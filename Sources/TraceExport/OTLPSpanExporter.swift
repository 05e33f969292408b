// OTLPSpanExporter: a span sink that batches spans and sends them over OTLP (protobuf or JSON) on its own thread.

import TraceKit
import TraceMetrics
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Sends finished spans to an OpenTelemetry Collector over OTLP, by default OTLP/HTTP with protobuf bodies to
/// `http://localhost:4318/v1/traces`.
///
/// `consume(_:)` only appends to a bounded queue (a full queue drops the span and counts it); a dedicated thread
/// sends batches through the transport and retries with exponential backoff on connection errors, 429, 502, 503
/// and 504, honouring `Retry-After`. Spans the collector rejects in a partial success are counted, not retried.
/// Counts are in ``statistics`` and, when a registry is given, in `tracekit_otlp_spans_total{outcome=...}` and
/// `tracekit_otlp_retries_total`.
///
/// ```swift
/// let exporter = try OTLPSpanExporter(configuration: .fromEnvironment(), resource: Resource(serviceName: "api"))
/// try TraceSystem.bootstrap(TraceConfiguration(service: "api", sinks: [logWriter, exporter]))
/// ```
public final class OTLPSpanExporter: SpanDropReporting {
    /// Batching, queueing and retry settings (where and how to send is the transport's configuration).
    public struct Options: Sendable {
        /// The most spans waiting to be sent; beyond it new spans are dropped and counted.
        public var queueCapacity: Int
        /// The most spans per request.
        public var batchSize: Int
        /// How long a partial batch waits before it is sent anyway.
        public var batchDelay: Duration
        /// Retries and backoff.
        public var retry: OTLPRetryPolicy

        /// Creates options; the defaults suit a collector on the same host.
        public init(
            queueCapacity: Int = 8192, batchSize: Int = 512, batchDelay: Duration = .seconds(2),
            retry: OTLPRetryPolicy = .init()
        ) {
            self.queueCapacity = queueCapacity
            self.batchSize = batchSize
            self.batchDelay = batchDelay
            self.retry = retry
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
        /// Spans the collector answered for but rejected (OTLP partial success); they are not sent again.
        public var rejected: Int

        /// Creates statistics (for comparisons in tests).
        public init(exported: Int, dropped: Int, failed: Int, retries: Int, rejected: Int = 0) {
            self.exported = exported
            self.dropped = dropped
            self.failed = failed
            self.retries = retries
            self.rejected = rejected
        }
    }

    /// The transport batches go through.
    public let transport: any OTLPSpanTransport
    /// The resource every request carries.
    public let resource: Resource
    /// The settings in use.
    public let options: Options
    private let queue: OTLPExportQueue
    private let counters: OTLPExportCounters
    private let lastPartial = Locked<OTLPPartialSuccess?>(nil)
    private let thread = Locked<pthread_t?>(nil)

    /// Creates the exporter on `transport` and starts its thread.
    public init(
        transport: any OTLPSpanTransport, resource: Resource, options: Options = .init(),
        registry: MetricsRegistry? = nil
    ) throws(OTLPExportError) {
        self.transport = transport
        self.resource = resource
        self.options = options
        self.queue = OTLPExportQueue(capacity: options.queueCapacity, batchSize: options.batchSize)
        self.counters = OTLPExportCounters(registry: registry)
        try startThread()
    }

    /// Creates an OTLP/HTTP exporter; throws for a `grpc` protocol, an endpoint that is not `http://host:port/path`,
    /// or an invalid header.
    public convenience init(
        configuration: OTLPExporterConfiguration, resource: Resource, options: Options = .init(),
        registry: MetricsRegistry? = nil
    ) throws(OTLPExportError) {
        try self.init(
            transport: OTLPHTTPTransport(configuration: configuration), resource: resource, options: options,
            registry: registry)
    }

    /// Creates an OTLP/HTTP exporter posting protobuf to `url`; throws for a URL that is not `http://host:port/path`.
    public convenience init(
        url: String, resource: Resource, options: Options = .init(), registry: MetricsRegistry? = nil
    ) throws(OTLPExportError) {
        try self.init(
            configuration: OTLPExporterConfiguration(endpoint: url), resource: resource, options: options,
            registry: registry)
    }

    deinit { shutdown() }

    /// The endpoint spans are sent to.
    public var url: String { transport.endpoint }

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

    /// The collector's most recent partial-success answer (rejected spans and its message), if it sent one.
    public var lastPartialSuccess: OTLPPartialSuccess? { lastPartial.withLock { $0 } }

    /// Spans lost so far by reason: `export_queue_full` (the queue to the exporter thread was full),
    /// `export_failed` (refused by the receiver, or still failing after the retries) and `export_rejected`
    /// (rejected by the receiver in a partial success).
    public var droppedSpanCounts: [String: UInt64] {
        let statistics = self.statistics
        return [
            "export_queue_full": UInt64(clamping: statistics.dropped),
            "export_failed": UInt64(clamping: statistics.failed),
            "export_rejected": UInt64(clamping: statistics.rejected),
        ]
    }

    /// Exports `spans` now through `transport`, in batches, on the calling thread, with retries; returns the counts.
    /// Stops at the first batch that fails for good and throws its error. `onPartialSuccess` hears every partial
    /// success.
    ///
    /// For one-off exports such as `tracekit export --otlp URL`; it blocks, so call it outside async code.
    ///
    /// ```swift
    /// let transport = try OTLPHTTPTransport(configuration: .init(endpoint: "http://127.0.0.1:4318/v1/traces"))
    /// let counts = try OTLPSpanExporter.export(spans, resource: resource, transport: transport)
    /// ```
    @discardableResult
    public static func export(
        _ spans: some Sequence<SpanRecord>, resource: Resource, transport: some OTLPSpanTransport,
        options: Options = .init(), onPartialSuccess: (OTLPPartialSuccess) -> Void = { _ in }
    ) throws(OTLPExportError) -> Statistics {
        var statistics = Statistics(exported: 0, dropped: 0, failed: 0, retries: 0)
        var batch: [SpanRecord] = []
        let batchSize = max(1, options.batchSize)
        func send() throws(OTLPExportError) {
            let body = try transport.encode(batch, resource: resource)
            let partial = try options.retry.run({ () throws(OTLPExportError) in try transport.send(body) }) { _ in
                statistics.retries += 1
            }
            let rejected = min(batch.count, Int(clamping: max(0, partial?.rejectedSpans ?? 0)))
            statistics.exported += batch.count - rejected
            statistics.rejected += rejected
            if let partial { onPartialSuccess(partial) }
            batch.removeAll(keepingCapacity: true)
        }
        for span in spans {
            batch.append(span)
            if batch.count == batchSize { try send() }
        }
        if !batch.isEmpty { try send() }
        return statistics
    }

    /// Exports `spans` now as OTLP/HTTP protobuf to `url`; returns how many the collector accepted.
    ///
    /// ```swift
    /// let sent = try OTLPSpanExporter.export(spans, resource: resource, to: "http://127.0.0.1:4318/v1/traces")
    /// ```
    @discardableResult
    public static func export(
        _ spans: some Sequence<SpanRecord>, resource: Resource, to url: String, options: Options = .init()
    ) throws(OTLPExportError) -> Int {
        let transport = try OTLPHTTPTransport(configuration: OTLPExporterConfiguration(endpoint: url))
        return try export(spans, resource: resource, transport: transport, options: options).exported
    }

    /// Checks that `url` is an endpoint this module can send to (`http://host:port/path`), without connecting.
    ///
    /// ```swift
    /// try OTLPSpanExporter.validate(url: "http://127.0.0.1:4318/v1/traces")
    /// ```
    public static func validate(url: String) throws(OTLPExportError) {
        _ = try HTTPEndpoint(url)
    }

    private func startThread() throws(OTLPExportError) {
        let context = OTLPExportThread(
            queue: queue, counters: counters, lastPartial: lastPartial, transport: transport, resource: resource,
            options: options)
        switch DedicatedThread.start({ context.run() }) {
        case .success(let handle): thread.withLock { $0 = handle }
        case .failure(let failure):
            throw .transferFailed(host: transport.endpoint, port: 0, reason: "cannot start thread (\(failure.errno))")
        }
    }
}

/// The exporter's former name, from when it spoke only OTLP/HTTP JSON.
public typealias OTLPHTTPExporter = OTLPSpanExporter

/// The export thread's loop: take a batch, encode, send with retries, count, repeat until closed.
// @unchecked Sendable: handed to the new thread once; it only holds immutable values and thread-safe objects.
private final class OTLPExportThread: @unchecked Sendable {
    let queue: OTLPExportQueue
    let counters: OTLPExportCounters
    let lastPartial: Locked<OTLPPartialSuccess?>
    let transport: any OTLPSpanTransport
    let resource: Resource
    let options: OTLPSpanExporter.Options

    init(
        queue: OTLPExportQueue, counters: OTLPExportCounters, lastPartial: Locked<OTLPPartialSuccess?>,
        transport: any OTLPSpanTransport, resource: Resource, options: OTLPSpanExporter.Options
    ) {
        self.queue = queue
        self.counters = counters
        self.lastPartial = lastPartial
        self.transport = transport
        self.resource = resource
        self.options = options
    }

    func run() {
        let delay = options.batchDelay.components
        let delayNanoseconds =
            UInt64(max(0, delay.seconds)) * 1_000_000_000 + UInt64(max(0, delay.attoseconds / 1_000_000_000))
        var batch: [SpanRecord] = []
        batch.reserveCapacity(queue.batchSize)
        while true {
            let work = queue.take(into: &batch, delayNanoseconds: delayNanoseconds)
            if !batch.isEmpty {
                send(batch)
                batch.removeAll(keepingCapacity: true)
            }
            queue.completeFlushes(upTo: work.flushTicket)
            if work.close { break }
        }
        queue.markFinished()
    }

    private func send(_ batch: [SpanRecord]) {
        do {
            let body = try transport.encode(batch, resource: resource)
            let partial = try options.retry.run({ () throws(OTLPExportError) in try transport.send(body) }) { _ in
                counters.add(retries: 1)
            }
            let rejected = min(batch.count, Int(clamping: max(0, partial?.rejectedSpans ?? 0)))
            counters.add(exported: batch.count - rejected, rejected: rejected)
            if let partial { lastPartial.withLock { $0 = partial } }
        } catch {
            counters.add(failed: batch.count)
        }
    }
}
