// WriterQueue: the bounded hand-over buffer between span-finishing threads and the log writer thread.

import TraceKit
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A mutex-protected array of spans plus the requests (flush, close) the writer thread serves.
///
/// The writer thread sleeps on `signals` with a timeout and callers of `flush()` wait for completion there
/// ("work available" wakes the writer; "progress" means spans were taken or a flush finished).
// @unchecked Sendable: every stored var is read and written only while `signals` is locked.
final class WriterQueue: @unchecked Sendable {
    private let signals = HandOverSignals()

    // The mutable state below is only touched while `signals` is locked, so Swift's dynamic exclusivity checks
    // (which cost on every `consume`) are redundant: `@exclusivity(unchecked)` turns them off.
    let capacity: Int
    private let wakeThreshold: Int
    private let overflowPolicy: LogWriterOptions.OverflowPolicy
    @exclusivity(unchecked) private var spans: [SpanRecord] = []
    @exclusivity(unchecked) private var droppedSinceTaken: UInt64 = 0
    @exclusivity(unchecked) private var requestedFlushes: UInt64 = 0
    @exclusivity(unchecked) private var completedFlushes: UInt64 = 0
    @exclusivity(unchecked) private var closeRequested = false
    @exclusivity(unchecked) private var abandonRequested = false
    /// Set when a `.blockCallerUpTo` wait ran out with no room made; cleared when the writer takes spans.
    @exclusivity(unchecked) private var writerStalled = false
    /// Whether a span was ever handed over (or dropped at the door): a writer that got none may be abandoned.
    @exclusivity(unchecked) private(set) var receivedSpans = false
    @exclusivity(unchecked) private var finished = false

    init(capacity: Int, overflowPolicy: LogWriterOptions.OverflowPolicy) {
        self.capacity = max(1, capacity)
        self.wakeThreshold = max(1, min(self.capacity / 2, 1024))
        self.overflowPolicy = overflowPolicy
        spans.reserveCapacity(self.capacity)
    }

    /// Hands one span over; returns `false` when it was dropped (buffer full, or the writer is closed).
    func push(_ span: SpanRecord) -> Bool {
        signals.lock()
        defer { signals.unlock() }
        receivedSpans = true
        if spans.count >= capacity, !waitForRoom() {
            droppedSinceTaken += 1
            return false
        }
        if closeRequested {
            droppedSinceTaken += 1
            return false
        }
        spans.append(span)
        if spans.count == wakeThreshold { signals.signalWork() }
        return true
    }

    /// With the buffer full, waits for room as the policy allows (lock held); `false` when the span must be dropped.
    private func waitForRoom() -> Bool {
        switch overflowPolicy {
        case .dropNewest:
            return false
        case .blockCaller:
            while spans.count >= capacity && !closeRequested {
                signals.signalWork()
                signals.waitForProgress()
            }
        case .blockCallerUpTo(let timeout):
            guard !writerStalled else { return false }
            let deadline = MonotonicClock.nowNanoseconds() &+ timeout.wholeNanoseconds
            while spans.count >= capacity && !closeRequested {
                signals.signalWork()
                if !signals.waitForProgress(untilMonotonicNanoseconds: deadline), spans.count >= capacity {
                    writerStalled = true
                    return false
                }
            }
        }
        return !closeRequested
    }

    /// Asks the writer to seal and write everything handed over so far; waits until it has.
    func flush() {
        signals.lock()
        defer { signals.unlock() }
        guard !finished else { return }
        requestedFlushes += 1
        let target = requestedFlushes
        signals.signalWork()
        while completedFlushes < target && !finished { signals.waitForProgress() }
    }

    /// Asks the writer to finish; waits until it has written the end-of-file marker and closed the file. With
    /// `abandonIfUnused`, a writer that never received a span closes without writing anything.
    func close(abandonIfUnused: Bool = false) {
        signals.lock()
        defer { signals.unlock() }
        if !closeRequested { abandonRequested = abandonIfUnused && !receivedSpans }
        closeRequested = true
        signals.signalWork()
        while !finished { signals.waitForProgress() }
    }

    /// What the writer thread takes in one go.
    struct Work {
        var flushTarget: UInt64
        var close: Bool
        /// Close without writing: nothing was ever handed over and nobody asked for a shutdown.
        var abandon: Bool
        var dropped: UInt64
    }

    /// Writer thread: waits until there is work or `deadlineNanoseconds` (CLOCK_MONOTONIC) passes, then swaps
    /// the pending spans into `batch` (which must be empty) and returns the requests.
    func take(into batch: inout [SpanRecord], deadlineNanoseconds: UInt64) -> Work {
        signals.lock()
        defer { signals.unlock() }
        if spans.count < wakeThreshold && requestedFlushes == completedFlushes && !closeRequested {
            signals.waitForWork(untilMonotonicNanoseconds: deadlineNanoseconds)
        }
        swap(&spans, &batch)
        writerStalled = false
        let work = Work(
            flushTarget: requestedFlushes, close: closeRequested, abandon: abandonRequested, dropped: droppedSinceTaken)
        droppedSinceTaken = 0
        signals.broadcastProgress()
        return work
    }

    /// Writer thread: flushes up to `target` are done.
    func completeFlushes(upTo target: UInt64) {
        signals.lock()
        completedFlushes = max(completedFlushes, target)
        signals.broadcastProgress()
        signals.unlock()
    }

    /// Writer thread: the writer has stopped; wake everyone waiting.
    func markFinished() {
        signals.lock()
        finished = true
        completedFlushes = requestedFlushes
        signals.broadcastProgress()
        signals.unlock()
    }

    /// Whether the writer thread has stopped.
    var isFinished: Bool {
        signals.lock()
        defer { signals.unlock() }
        return finished
    }

    /// Whether a `.blockCallerUpTo` wait ran out and spans are dropped at once until the writer takes spans.
    var isWriterStalled: Bool {
        signals.lock()
        defer { signals.unlock() }
        return writerStalled
    }

    /// Spans waiting for the writer thread.
    var pendingCount: Int {
        signals.lock()
        defer { signals.unlock() }
        return spans.count
    }
}
