// HandOverSignals: one pthread mutex and the two condition variables a producer/consumer hand-over needs.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The locking behind a bounded hand-over between many producer threads and one worker thread: a mutex,
/// a "work available" condition the worker sleeps on (with a CLOCK_MONOTONIC deadline), and a "progress"
/// condition producers wait on (room in the buffer, a flush done, the worker finished).
///
/// The queues of the log writer and the OTLP exporter keep their own state and use this for the waiting;
/// `Synchronization.Mutex` has no condition variable. Every method but `lock`/`withLock` expects the lock held.
// @unchecked Sendable: the pthread objects are allocated once, never moved, and only used through pthread calls,
// which are thread-safe by contract.
package final class HandOverSignals: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let workAvailable: UnsafeMutablePointer<pthread_cond_t>
    private let progress: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        workAvailable = .allocate(capacity: 1)
        workAvailable.initialize(to: pthread_cond_t())
        pthread_cond_init(workAvailable, &attributes)
        progress = .allocate(capacity: 1)
        progress.initialize(to: pthread_cond_t())
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

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` with the lock held.
    package func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Wakes the worker (lock held).
    package func signalWork() { pthread_cond_signal(workAvailable) }

    /// Wakes every producer waiting for progress (lock held).
    package func broadcastProgress() { pthread_cond_broadcast(progress) }

    /// Sleeps until progress is broadcast; the lock is released while asleep (lock held).
    package func waitForProgress() { pthread_cond_wait(progress, mutex) }

    /// Sleeps until progress is broadcast or CLOCK_MONOTONIC reaches `deadlineNanoseconds`; `false` on the
    /// deadline (lock held).
    @discardableResult
    package func waitForProgress(untilMonotonicNanoseconds deadlineNanoseconds: UInt64) -> Bool {
        var deadline = timespec(
            tv_sec: Int(deadlineNanoseconds / 1_000_000_000), tv_nsec: Int(deadlineNanoseconds % 1_000_000_000))
        return pthread_cond_timedwait(progress, mutex, &deadline) != ETIMEDOUT
    }

    /// The worker sleeps until signalled or CLOCK_MONOTONIC reaches `deadlineNanoseconds`; `false` on the
    /// deadline (lock held).
    @discardableResult
    package func waitForWork(untilMonotonicNanoseconds deadlineNanoseconds: UInt64) -> Bool {
        var deadline = timespec(
            tv_sec: Int(deadlineNanoseconds / 1_000_000_000), tv_nsec: Int(deadlineNanoseconds % 1_000_000_000))
        return pthread_cond_timedwait(workAvailable, mutex, &deadline) != ETIMEDOUT
    }
}
