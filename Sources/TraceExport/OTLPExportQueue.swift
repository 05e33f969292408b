// OTLPExportQueue: the bounded hand-over buffer between span-finishing threads and the OTLP export thread.

import TraceKit
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A bounded array of spans plus flush and close requests; the waiting is `HandOverSignals`' (a pthread mutex with
/// "work available" and "progress" conditions).
///
/// `offer` never blocks: a full queue drops the span and counts it. The export thread sleeps on `take` until a batch
/// is full, the batch delay passes, a flush is asked for, or the queue closes.
// @unchecked Sendable: every stored var is read and written only while `signals` is locked.
final class OTLPExportQueue: @unchecked Sendable {
    private let signals = HandOverSignals()

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
    }

    private func locked<R>(_ body: () -> R) -> R {
        signals.withLock(body)
    }

    /// Hands one span over; `false` when it was dropped because the queue is full or closed.
    func offer(_ span: SpanRecord) -> Bool {
        locked {
            guard !closeRequested, spans.count < capacity else { return false }
            spans.append(span)
            if spans.count == batchSize { signals.signalWork() }
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
            let deadline = MonotonicClock.nowNanoseconds() &+ delayNanoseconds
            while spans.count < batchSize && requestedFlushes == completedFlushes && !closeRequested {
                if !signals.waitForWork(untilMonotonicNanoseconds: deadline) { break }
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
                signals.broadcastProgress()
            }
        }
    }

    /// Asks the export thread to send everything queued now, and waits until it has (or it finished).
    func flushAndWait() {
        locked {
            guard !finished else { return }
            requestedFlushes += 1
            let ticket = requestedFlushes
            signals.signalWork()
            while completedFlushes < ticket && !finished { signals.waitForProgress() }
        }
    }

    /// Refuses further spans and wakes the export thread to send what is left and stop.
    func close() {
        locked {
            closeRequested = true
            signals.signalWork()
        }
    }

    func markFinished() {
        locked {
            finished = true
            signals.broadcastProgress()
        }
    }

    var count: Int { locked { spans.count } }
}
