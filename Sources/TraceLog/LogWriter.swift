// LogWriter: the SpanSink that writes finished spans to a trace log, doing all the work on its own thread.

import Synchronization
import TraceKit
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes spans to an append-only, BGZF-compressed trace log.
///
/// `consume` only appends the span to a bounded buffer; a dedicated thread (not the Swift concurrency pool)
/// encodes, compresses and writes. A block is sealed when full, when older than `flushInterval`, on `flush()`
/// and on `shutdown()`. A crash loses at most the spans not yet in a sealed block: those consumed since the
/// last `flush()`, and at most those of the last 1.25 x `flushInterval` (spans wait up to a quarter of the
/// interval in the buffer, then up to the interval in the open block), plus the time to write one block.
///
/// ```swift
/// let writer = try LogWriter(path: "/var/log/agent/kernel.tklog", resource: Resource(serviceName: "kernel"))
/// try TraceSystem.bootstrap(TraceConfiguration(service: "kernel", sinks: [writer]))
/// // ... spans are written as they finish ...
/// writer.shutdown()   // seals the last block and writes the BGZF end-of-file marker
/// ```
public final class LogWriter: SpanDropReporting {
    /// The live file's path.
    public let path: String
    /// What opening the file found: kept bytes and a cut-off torn tail.
    public let recovery: LogRecovery
    private let queue: WriterQueue
    private let counters: LogWriterCounters
    private let thread = Locked<pthread_t?>(nil)
    private let adoptedIdentifiers = AdoptedIdentifiers()

    /// Opens (or creates) the log at `path` for appending and starts the writer thread.
    ///
    /// An existing file keeps every complete block; a torn tail is cut off (at the first write) and reported in
    /// `recovery`. A writer released without `shutdown()` that never received a span (the configuration of a
    /// failed bootstrap, say) leaves an existing file untouched and removes a file it created.
    /// `onError` is called on the writer thread for every failure (also available as `lastError`); it must not
    /// call `flush()` or `shutdown()` on this writer (they wait for that very thread).
    ///
    /// - Throws: `TraceLogError.cannotOpen` if the file cannot be opened or created; `TraceLogError.notATraceLog`
    ///   if the file holds something else.
    public init(
        path: String,
        resource: Resource,
        options: LogWriterOptions = LogWriterOptions(),
        onError: (@Sendable (TraceLogError) -> Void)? = nil
    ) throws(TraceLogError) {
        self.path = path
        let counters = LogWriterCounters()
        self.counters = counters
        self.queue = WriterQueue(capacity: options.bufferCapacity, overflowPolicy: options.overflowPolicy)
        let appender = try LogFileAppender(
            path: path, resource: resource, options: options, counters: counters, onError: onError,
            identifierSource: { nil })
        self.recovery = appender.recovery
        // The writer thread must not hold the writer itself: its last release there would join the thread from
        // inside it. It captures only the shared id box and the writer's identity.
        let adoptedIdentifiers = self.adoptedIdentifiers
        let identity = ObjectIdentifier(self)
        appender.identifierSource = { adoptedIdentifiers.current(forWriter: identity) }
        try startThread(appender)
    }

    deinit {
        // Released without `shutdown()`: write what was handed over; a writer that never got a span (the
        // configuration of a failed bootstrap, say) leaves no file behind and an existing log untouched.
        stopThread(abandonIfUnused: true)
    }

    /// Hands the span to the writer thread. Never does I/O; waits only with the `.blockCaller` policy when full.
    public func consume(_ span: SpanRecord) {
        if !queue.push(span) { counters.spansDropped.add(1, ordering: .relaxed) }
    }

    /// Seals the current block and writes it (and `fsync`s unless the policy is `.never`); returns when done.
    public func flush() {
        queue.flush()
    }

    /// Flushes, writes the BGZF end-of-file marker, closes the file and stops the thread. Later spans are dropped
    /// (counted). A writer that got no span still leaves a valid log: one block with the file header.
    public func shutdown() {
        stopThread(abandonIfUnused: false)
    }

    private func stopThread(abandonIfUnused: Bool) {
        queue.close(abandonIfUnused: abandonIfUnused)
        let handle = thread.withLock { handle -> pthread_t? in
            defer { handle = nil }
            return handle
        }
        if let handle { pthread_join(handle, nil) }
    }

    /// Counts of spans written, dropped and lost so far.
    public var statistics: LogWriterStatistics { counters.snapshot }

    /// Spans lost so far by reason: `buffer_full` (the hand-over buffer was full, or the writer closed),
    /// `write_failed` (a block could not be written, e.g. disk full), `too_large` (larger than a block even when
    /// shortened: not expected).
    public var droppedSpanCounts: [String: UInt64] {
        let statistics = counters.snapshot
        return [
            "buffer_full": statistics.spansDropped, "write_failed": statistics.spansLost,
            "too_large": statistics.spansTooLarge,
        ]
    }

    /// The most recent failure, or `nil` if there was none.
    public var lastError: TraceLogError? { counters.lastError.withLock { $0 } }

    /// Stores the ids of `recorder`'s spans as small counters (its id keys go into every block header).
    ///
    /// Takes effect from the next block. Not needed when this writer is a sink of the bootstrapped recorder.
    public func useIdentifiers(of recorder: TraceRecorder) {
        adoptedIdentifiers.scheme.withLock { $0 = recorder.identifiers }
    }

    private func startThread(_ appender: LogFileAppender) throws(TraceLogError) {
        let context = WriterThreadContext(appender: appender, queue: queue, counters: counters)
        switch DedicatedThread.start({ context.run() }) {
        case .success(let handle): thread.withLock { $0 = handle }
        case .failure(let failure): throw TraceLogError.cannotOpen(path: path, errno: failure.errno)
        }
    }
}

/// What the writer thread owns: the appender (file, encoder, compressor) and the queue it drains.
// @unchecked Sendable: handed to the new thread exactly once; after `pthread_create` only that thread uses the
// appender, and the queue and counters are themselves thread-safe.
private final class WriterThreadContext: @unchecked Sendable {
    let appender: LogFileAppender
    let queue: WriterQueue
    let counters: LogWriterCounters

    init(appender: LogFileAppender, queue: WriterQueue, counters: LogWriterCounters) {
        self.appender = appender
        self.queue = queue
        self.counters = counters
    }

    func run() {
        var completedFlushes: UInt64 = 0
        var batch: [SpanRecord] = []
        batch.reserveCapacity(queue.capacity)
        while true {
            let work = queue.take(into: &batch, deadlineNanoseconds: appender.nextDeadline)
            appender.noteDropped(work.dropped, reason: .bufferFull)
            // The file appears with the first span (not only with the first block), so a follower finds it.
            if !batch.isEmpty { appender.prepareFile() }
            for span in batch { appender.add(span) }
            batch.removeAll(keepingCapacity: true)
            if work.abandon {
                appender.abandon()
                queue.markFinished()
                return
            }
            if work.close {
                // Spans handed over after the close request were counted as dropped by the queue.
                appender.close()
                queue.markFinished()
                return
            }
            if appender.blockIsDue { appender.sealBlock() }
            appender.rotateIfDue()
            if work.flushTarget > completedFlushes {
                appender.sealBlock()
                appender.syncForFlush()
                completedFlushes = work.flushTarget
                queue.completeFlushes(upTo: work.flushTarget)
            }
        }
    }
}

/// The id scheme a writer stores counters for: set by `useIdentifiers(of:)`, or adopted from the bootstrapped
/// recorder when the writer is one of its sinks.
final class AdoptedIdentifiers: Sendable {
    let scheme = Locked<TraceRecorder.IdentifierScheme?>(nil)

    func current(forWriter writer: ObjectIdentifier) -> TraceRecorder.IdentifierScheme? {
        if let scheme = scheme.withLock({ $0 }) { return scheme }
        guard let recorder = TraceSystem.recorder,
            recorder.configuration.sinks.contains(where: { sink in
                (sink as? LogWriter).map { ObjectIdentifier($0) == writer } ?? false
            })
        else { return nil }
        scheme.withLock { $0 = recorder.identifiers }
        return recorder.identifiers
    }
}
