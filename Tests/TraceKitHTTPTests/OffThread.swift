// OffThread: runs blocking test I/O on its own thread, so it never starves the Swift concurrency pool.

import Foundation

/// Runs `body` on a new thread and awaits its result.
///
/// Hummingbird serves each connection in a Swift task; a test that blocked the (two-thread) cooperative pool in
/// `recv` would starve the very server it is waiting for.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}
