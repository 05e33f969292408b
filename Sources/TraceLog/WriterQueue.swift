// WriterQueue: the bounded hand-over buffer between span-finishing threads and the log writer thread.

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A mutex-protected array of spans plus the requests (flush, close) the writer thread serves.
///
/// It uses pthread mutex and condition variables because the writer thread sleeps on them with a timeout
/// and callers of `flush()` wait for completion; `Synchronization.Mutex` has no condition variable.
// @unchecked Sendable: every stored property is read and written only while `mutex` is held
// (the pthread objects themselves are allocated once and never moved).
final class WriterQueue: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Signalled when there is work for the writer thread.
    private let workAvailable: UnsafeMutablePointer<pthread_cond_t>
    /// Broadcast when the writer took spans (room for blocked callers) or finished a flush.
    private let progress: UnsafeMutablePointer<pthread_cond_t>

    // The mutable state below is only touched while `mutex` is held, so Swift's dynamic exclusivity checks
    // (which cost on every `consume`) are redundant: `@exclusivity(unchecked)` turns them off.
    let capacity: Int
    private let wakeThreshold: Int
    private let overflowPolicy: LogWriterOptions.OverflowPolicy
    @exclusivity(unchecked) private var spans: [SpanRecord] = []
    @exclusivity(unchecked) private var droppedSinceTaken: UInt64 = 0
    @exclusivity(unchecked) private var requestedFlushes: UInt64 = 0
    @exclusivity(unchecked) private var completedFlushes: UInt64 = 0
    @exclusivity(unchecked) private var closeRequested = false
    @exclusivity(unchecked) private var finished = false

    init(capacity: Int, overflowPolicy: LogWriterOptions.OverflowPolicy) {
        self.capacity = max(1, capacity)
        self.wakeThreshold = max(1, min(self.capacity / 2, 1024))
        self.overflowPolicy = overflowPolicy
        spans.reserveCapacity(self.capacity)
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        workAvailable = .allocate(capacity: 1)
        pthread_cond_init(workAvailable, &attributes)
        progress = .allocate(capacity: 1)
        pthread_cond_init(progress, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(workAvailable)
        pthread_cond_destroy(progress)
        pthread_mutex_destroy(mutex)
        workAvailable.deallocate()
        progress.deallocate()
        mutex.deallocate()
    }

    /// Hands one span over; returns `false` when it was dropped (buffer full, or the writer is closed).
    func push(_ span: SpanRecord) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while spans.count >= capacity {
            if closeRequested || overflowPolicy == .dropNewest {
                droppedSinceTaken += 1
                return false
            }
            pthread_cond_signal(workAvailable)
            pthread_cond_wait(progress, mutex)
        }
        if closeRequested {
            droppedSinceTaken += 1
            return false
        }
        spans.append(span)
        if spans.count == wakeThreshold { pthread_cond_signal(workAvailable) }
        return true
    }

    /// Asks the writer to seal and write everything handed over so far; waits until it has.
    func flush() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !finished else { return }
        requestedFlushes += 1
        let target = requestedFlushes
        pthread_cond_signal(workAvailable)
        while completedFlushes < target && !finished { pthread_cond_wait(progress, mutex) }
    }

    /// Asks the writer to finish; waits until it has written the end-of-file marker and closed the file.
    func close() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        closeRequested = true
        pthread_cond_signal(workAvailable)
        while !finished { pthread_cond_wait(progress, mutex) }
    }

    /// What the writer thread takes in one go.
    struct Work {
        var flushTarget: UInt64
        var close: Bool
        var dropped: UInt64
    }

    /// Writer thread: waits until there is work or `deadlineNanoseconds` (CLOCK_MONOTONIC) passes, then swaps
    /// the pending spans into `batch` (which must be empty) and returns the requests.
    func take(into batch: inout [SpanRecord], deadlineNanoseconds: UInt64) -> Work {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if spans.count < wakeThreshold && requestedFlushes == completedFlushes && !closeRequested {
            var deadline = timespec(
                tv_sec: Int(deadlineNanoseconds / 1_000_000_000), tv_nsec: Int(deadlineNanoseconds % 1_000_000_000))
            _ = pthread_cond_timedwait(workAvailable, mutex, &deadline)
        }
        swap(&spans, &batch)
        let work = Work(flushTarget: requestedFlushes, close: closeRequested, dropped: droppedSinceTaken)
        droppedSinceTaken = 0
        pthread_cond_broadcast(progress)
        return work
    }

    /// Writer thread: flushes up to `target` are done.
    func completeFlushes(upTo target: UInt64) {
        pthread_mutex_lock(mutex)
        completedFlushes = max(completedFlushes, target)
        pthread_cond_broadcast(progress)
        pthread_mutex_unlock(mutex)
    }

    /// Writer thread: the writer has stopped; wake everyone waiting.
    func markFinished() {
        pthread_mutex_lock(mutex)
        finished = true
        completedFlushes = requestedFlushes
        pthread_cond_broadcast(progress)
        pthread_mutex_unlock(mutex)
    }

    /// Whether the writer thread has stopped.
    var isFinished: Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return finished
    }

    /// Spans waiting for the writer thread.
    var pendingCount: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return spans.count
    }
}
