// OTLPExportError: why sending spans to an OTLP/HTTP endpoint failed, and whether trying again may help.

/// An error from exporting spans over OTLP/HTTP.
///
/// ```swift
/// do { _ = try OTLPHTTPExporter.export(spans, resource: resource, to: "http://127.0.0.1:4318/v1/traces") }
/// catch { print(error) }   // collector at 127.0.0.1:4318 answered 400: ...
/// ```
public enum OTLPExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL is not `http://host[:port]/path` (HTTPS is not supported: put a collector on loopback).
    case invalidURL(String)
    /// The host name did not resolve.
    case unknownHost(String)
    /// No TCP connection could be made (refused, unreachable, timed out).
    case connectionFailed(host: String, port: Int, errno: Int32)
    /// The connection broke or timed out while sending the request or reading the answer.
    case transferFailed(host: String, port: Int, reason: String)
    /// The collector answered with a status other than 2xx.
    case httpStatus(Int, body: String)
    /// The answer was not an HTTP/1.x response.
    case malformedResponse(String)

    /// Whether a later attempt may succeed: connection trouble, 429, 502, 503 and 504 (as the OTLP spec says).
    public var isRetryable: Bool {
        switch self {
        case .connectionFailed, .transferFailed: return true
        case .httpStatus(let status, _): return [429, 502, 503, 504].contains(status)
        case .invalidURL, .unknownHost, .malformedResponse: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url):
            return "invalid OTLP URL '\(url)': use http://host:port/v1/traces"
        case .unknownHost(let host):
            return "cannot resolve OTLP host '\(host)'"
        case .connectionFailed(let host, let port, let errno):
            return "cannot connect to OTLP collector at \(host):\(port) (errno \(errno)); is it running?"
        case .transferFailed(let host, let port, let reason):
            return "OTLP request to \(host):\(port) failed: \(reason)"
        case .httpStatus(let status, let body):
            return "OTLP collector answered \(status): \(body.prefix(200))"
        case .malformedResponse(let head):
            return "OTLP collector sent a malformed response: \(head.prefix(100))"
        }
    }
}
