// CLIError: what can go wrong in a `tracekit` command, each case naming the file and the problem.

import TraceLog

/// An error that ends a `tracekit` command with exit status 2; its description names the file.
enum CLIError: Error, CustomStringConvertible {
    /// The file or directory cannot be opened or read.
    case cannotRead(path: String, reason: String)
    /// The file is readable but holds no TraceKit log.
    case notATraceLog(path: String, reason: String)
    /// An output file cannot be written.
    case cannotWrite(path: String, reason: String)
    /// `--trace` names a trace the log does not hold.
    case traceNotFound(path: String, traceID: String)
    /// The demo could not set up tracing.
    case demoFailed(path: String, reason: String)
    /// Sending spans to an OTLP endpoint failed.
    case exportFailed(url: String, reason: String)

    var description: String {
        switch self {
        case .cannotRead(let path, let reason): return "\(path): cannot read: \(reason)"
        case .notATraceLog(let path, let reason): return "\(path): not a TraceKit log: \(reason)"
        case .cannotWrite(let path, let reason): return "\(path): cannot write: \(reason)"
        case .traceNotFound(let path, let traceID): return "\(path): no trace with id \(traceID)"
        case .demoFailed(let path, let reason): return "\(path): demo failed: \(reason)"
        case .exportFailed(let url, let reason): return "\(url): OTLP export failed: \(reason)"
        }
    }

    /// The error for a file a `LogSet` left out.
    init(_ problem: LogSet.Problem) {
        switch problem {
        case .cannotRead(let path, let error): self = .reading(path, error)
        case .notATraceLog(let path, let reason): self = .notATraceLog(path: path, reason: reason)
        }
    }

    /// The error for a `TraceLogError` met while opening `path`.
    static func reading(_ path: String, _ error: TraceLogError) -> CLIError {
        switch error {
        case .cannotOpen(_, let code): return .cannotRead(path: path, reason: SystemError.message(code))
        default: return .cannotRead(path: path, reason: "\(error)")
        }
    }
}
