// BlockingReadThread: runs a log replay's blocking reads on its own thread, and stops waiting for it on cancellation.

import Synchronization
import TraceKit
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A flag the reading thread checks between blocks; raised when the awaiting task is cancelled.
final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    var isRaised: Bool { raised.load(ordering: .relaxed) }
    func raise() { raised.store(true, ordering: .relaxed) }
}

/// Runs blocking work (file reads and decoding) on a dedicated thread instead of the Swift concurrency pool.
///
/// On a two-core machine the pool has two threads: a replay reading synchronously on one of them leaves the HTTP
/// server and the signal handling a single thread, and a read that takes long (a huge damaged region) holds its
/// thread whatever is cancelled. Here the pool only waits. When the awaiting task is cancelled (graceful shutdown
/// on SIGTERM or SIGINT), `run` returns at once: the thread sees the stop signal after the block it is reading and
/// hands nothing more to anyone.
enum BlockingReadThread {
    private enum State {
        case waiting(CheckedContinuation<Void, any Error>?)
        case finished(Result<Void, any Error>)
        case resumed
    }

    /// Runs `body` on a new thread; returns when it returns, rethrows what it throws, or returns on cancellation.
    static func run(_ body: @escaping @Sendable (StopSignal) throws -> Void) async throws {
        let stop = StopSignal()
        let state = Locked(State.waiting(nil))
        @Sendable func finish(_ result: Result<Void, any Error>) {
            let continuation: CheckedContinuation<Void, any Error>? = state.withLock { state in
                switch state {
                case .waiting(let continuation?):
                    state = .resumed
                    return continuation
                case .waiting(nil):
                    state = .finished(result)
                    return nil
                case .finished, .resumed:
                    return nil
                }
            }
            continuation?.resume(with: result)
        }
        if Task.isCancelled { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let early: Result<Void, any Error>? = state.withLock { state in
                    if case .finished(let result) = state {
                        state = .resumed
                        return result
                    }
                    state = .waiting(continuation)
                    return nil
                }
                if let early {
                    continuation.resume(with: early)
                    return
                }
                let started = DedicatedThread.start {
                    do {
                        try body(stop)
                        finish(.success(()))
                    } catch {
                        finish(.failure(error))
                    }
                }
                switch started {
                case .success(let thread):
                    // Nobody joins it: on cancellation it is left to finish its block and stop by itself.
                    pthread_detach(thread)
                case .failure(let failure):
                    finish(.failure(ReadThreadError(errno: failure.errno)))
                }
            }
        } onCancel: {
            stop.raise()
            finish(.success(()))
        }
    }
}

/// The reading thread could not be started.
struct ReadThreadError: Error, CustomStringConvertible {
    var errno: Int32
    var description: String { "cannot start a thread to read the logs: \(String(cString: strerror(errno)))" }
}
