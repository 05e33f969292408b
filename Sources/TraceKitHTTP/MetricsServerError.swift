// MetricsServerError: why a metrics server could not start serving.

import NIOCore
import TraceKit
import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a ``MetricsServer`` stopped before it served anything.
///
/// ```swift
/// do { try await server.run() } catch MetricsServerError.cannotListen(let host, let port, let reason) {
///     print("cannot listen on \\(host):\\(port): \\(reason)")
/// }
/// ```
public enum MetricsServerError: Error, CustomStringConvertible, Equatable {
    /// The address could not be bound: the port is in use, the host unknown or not on this machine.
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason):
            return "cannot listen on \(host):\(port): \(reason)"
        }
    }

    /// A short reason for a bind failure: the system's words and errno for an `IOError`, else the error itself.
    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError {
            let code = error.errnoCode
            let advice = code == EADDRINUSE ? "; pick another port or stop the process using it" : ""
            return "\(String(cString: strerror(code))) (errno \(code))\(advice)"
        }
        return "\(error)"
    }
}

/// Set once the server listens, so a failure before that is reported as ``MetricsServerError/cannotListen``.
final class ListeningFlag: Sendable {
    private let flag = Locked(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
