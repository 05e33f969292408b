// OTLPExportQueue: the bounded hand-over buffer between span-finishing threads and the OTLP export thread.

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A bounded array of spans plus flush and close requests, guarded by a pthread mutex with condition variables.
///
/// `offer` never blocks: a full queue drops the span and counts it. The export thread sleeps on `take` until a batch
/// is full, the batch delay passes, a flush is asked for, or the queue closes.
// @unchecked Sendable: every stored var is read and written only while `mutex` is held (the pthread objects are
// allocated once and never moved).
final class OTLPExportQueue: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let workAvailable: UnsafeMutablePointer<pthread_cond_t>
    private let progress: UnsafeMutablePointer<pthread_cond_t>

    let capacity: Int
    let batchSize: Int
    private var spans: [SpanRecord] = []
    private var requestedFlushes: UInt64 = 0
    private var completedFlushes: UInt64 = 0
    private var closeRequested = false
    private var finished = false

    init(capacity: Int, batchSize: Int) {
        self.capacity = max(1, capacity)
        self.batchSize = max(1, min(batchSize, self.capacity))
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

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Hands one span over; `false` when it was dropped because the queue is full or closed.
    func offer(_ span: SpanRecord) -> Bool {
        locked {
            guard !closeRequested, spans.count < capacity else { return false }
            spans.append(span)
            if spans.count == batchSize { pthread_cond_signal(workAvailable) }
            return true
        }
    }

    struct Work {
        var flushTicket: UInt64
        var close: Bool
    }

    /// Waits until a batch is full, `delayNanoseconds` passed, a flush was requested or the queue closed; moves up
    /// to one batch of spans into `batch`.
    func take(into batch: inout [SpanRecord], delayNanoseconds: UInt64) -> Work {
        locked {
            let deadline = Self.monotonicNow() &+ delayNanoseconds
            while spans.count < batchSize && requestedFlushes == completedFlushes && !closeRequested {
                var time = timespec(
                    tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                if pthread_cond_timedwait(workAvailable, mutex, &time) == ETIMEDOUT { break }
            }
            let count = min(batchSize, spans.count)
            batch.append(contentsOf: spans[0..<count])
            spans.removeFirst(count)
            // A flush is complete only once everything queued before it has been taken and sent.
            let ticket = spans.isEmpty ? requestedFlushes : completedFlushes
            return Work(flushTicket: ticket, close: closeRequested && spans.isEmpty)
        }
    }

    /// Called by the export thread after sending what `take` returned.
    func completeFlushes(upTo ticket: UInt64) {
        locked {
            if ticket > completedFlushes {
                completedFlushes = ticket
                pthread_cond_broadcast(progress)
            }
        }
    }

    /// Asks the export thread to send everything queued now, and waits until it has (or it finished).
    func flushAndWait() {
        locked {
            guard !finished else { return }
            requestedFlushes += 1
            let ticket = requestedFlushes
            pthread_cond_signal(workAvailable)
            while completedFlushes < ticket && !finished { pthread_cond_wait(progress, mutex) }
        }
    }

    /// Refuses further spans and wakes the export thread to send what is left and stop.
    func close() {
        locked {
            closeRequested = true
            pthread_cond_signal(workAvailable)
        }
    }

    func markFinished() {
        locked {
            finished = true
            pthread_cond_broadcast(progress)
        }
    }

    var count: Int { locked { spans.count } }

    static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
