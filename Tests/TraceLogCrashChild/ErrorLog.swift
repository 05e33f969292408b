// ErrorLog: collects the errors a LogWriter reports through its callback.

import Synchronization
import TraceLog

/// A thread-safe list of reported errors.
final class ErrorLog: Sendable {
    private let errors = Mutex<[TraceLogError]>([])

    func append(_ error: TraceLogError) { errors.withLock { $0.append(error) } }

    var count: Int { errors.withLock { $0.count } }
}
