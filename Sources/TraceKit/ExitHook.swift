// ExitHook: shuts the bootstrapped recorder down when the process exits normally, within a time bound.

import Synchronization
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `atexit` handler behind "spans recorded before a normal exit reach the log": a program that returns from
/// `main` without `shutdown()` would otherwise lose the spans its log writer still buffers (and leave a log with
/// no end-of-file marker, or an empty file).
enum ExitHook {
    private static let installed = Atomic<Bool>(false)

    /// Registers the handler, once per process.
    static func install() {
        guard !installed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        atexit { TraceSystem.shutdownAtExit() }
    }

    /// Runs `work` on its own thread and waits for it at most `timeout`; past that the thread is left to the
    /// process's exit, so a sink stuck in I/O cannot keep the process alive.
    static func run(within timeout: Duration, _ work: @escaping @Sendable () -> Void) {
        let completion = Completion()
        let started = DedicatedThread.start {
            work()
            completion.complete()
        }
        guard case .success(let thread) = started else {
            work()  // No thread to spare: do it here, unbounded, rather than lose the spans.
            return
        }
        if completion.wait(nanoseconds: timeout.wholeNanoseconds) {
            pthread_join(thread, nil)
        } else {
            pthread_detach(thread)
        }
    }

    /// A flag one thread sets and another waits for, with a deadline.
    // @unchecked Sendable: `done` is only read and written with `signals` locked.
    private final class Completion: @unchecked Sendable {
        private let signals = HandOverSignals()
        private var done = false

        func complete() {
            signals.withLock {
                done = true
                signals.signalWork()
            }
        }

        /// Whether `complete()` came within `nanoseconds`.
        func wait(nanoseconds: UInt64) -> Bool {
            let deadline = MonotonicClock.nowNanoseconds() &+ nanoseconds
            return signals.withLock {
                while !done {
                    if MonotonicClock.nowNanoseconds() >= deadline { return false }
                    signals.waitForWork(untilMonotonicNanoseconds: deadline)
                }
                return true
            }
        }
    }
}
