// ListeningPort: the port a server ended up bound to, awaited by whoever needs it (port 0 picks one).

import TraceKit
import TraceSync

/// Holds the bound port once known and wakes everyone waiting for it; `nil` when the server stopped first.
final class ListeningPort: Sendable {
    private struct State {
        var port: Int?
        var settled = false
        var waiters: [CheckedContinuation<Int?, Never>] = []
    }
    private let state = Locked(State())

    func resolve(_ port: Int?) {
        let waiters: [CheckedContinuation<Int?, Never>] = state.withLock { state in
            guard !state.settled else { return [] }
            state.settled = true
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    func value() async -> Int? {
        await withCheckedContinuation { continuation in
            let ready: Int?? = state.withLock { state in
                guard state.settled else {
                    state.waiters.append(continuation)
                    return .none
                }
                return .some(state.port)
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
