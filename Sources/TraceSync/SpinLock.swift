// SpinLock: a one-byte lock for critical sections of a few loads and stores on state that is rarely contended.

import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A lock made of one atomic flag, for state touched from several threads only by accident (a span's fields):
/// taking it uncontended is one compare-and-exchange, and it needs no allocation, unlike `Locked`.
///
/// Critical sections must be a few loads and stores, and must not call out to code that could take the same
/// lock (the lock is not recursive). Under contention the waiter yields the processor. ThreadSanitizer sees
/// the acquire and release orderings of the flag, so it checks what the lock guards.
package struct SpinLock: ~Copyable, Sendable {
    private let locked = Atomic<Bool>(false)

    package init() {}

    /// Runs `body` holding the lock.
    @inline(__always)
    package func withLock<R>(_ body: () -> R) -> R {
        while !locked.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            sched_yield()
        }
        defer { locked.store(false, ordering: .releasing) }
        return body()
    }
}
