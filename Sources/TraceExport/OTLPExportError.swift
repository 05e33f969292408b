// OTLPExportError: why sending spans to an OTLP endpoint failed, and whether trying again may help.

/// An error from exporting spans over OTLP.
///
/// ```swift
/// do { _ = try OTLPSpanExporter.export(spans, resource: resource, to: "http://127.0.0.1:4318/v1/traces") }
/// catch { print(error) }   // OTLP collector answered 400: ...
/// ```
public enum OTLPExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL is not `http://host[:port]/path` (HTTPS is not supported yet: put a collector on loopback).
    case invalidURL(String)
    /// The configured protocol is one this transport does not speak (`grpc` over ``OTLPHTTPTransport``).
    case unsupportedProtocol(String)
    /// A configured header has a name that is not an HTTP token, a value with a line break, or is one the
    /// exporter sets itself (`Content-Type`, `Content-Length`, `Content-Encoding`, `Host`, ...).
    case invalidHeader(name: String, reason: String)
    /// The host name did not resolve.
    case unknownHost(String)
    /// No TCP connection could be made (refused, unreachable, timed out).
    case connectionFailed(host: String, port: Int, errno: Int32)
    /// The connection broke or timed out while sending the request or reading the answer.
    case transferFailed(host: String, port: Int, reason: String)
    /// The collector answered with a status other than 2xx; `retryAfter` is its `Retry-After` (429 and 503).
    case httpStatus(Int, body: String, retryAfter: Duration? = nil)
    /// The answer was not an HTTP/1.x response.
    case malformedResponse(String)

    /// Whether a later attempt may succeed: connection trouble, 429, 502, 503 and 504 (as the OTLP spec says).
    public var isRetryable: Bool {
        switch self {
        case .connectionFailed, .transferFailed: return true
        case .httpStatus(let status, _, _): return [429, 502, 503, 504].contains(status)
        case .invalidURL, .unsupportedProtocol, .invalidHeader, .unknownHost, .malformedResponse: return false
        }
    }

    /// How long the collector asked to wait before the next attempt (`Retry-After`), if it said.
    public var retryAfter: Duration? {
        if case .httpStatus(_, _, let retryAfter) = self { return retryAfter }
        return nil
    }

    public var description: String {
        switch self {
        case .invalidURL(let url):
            if url.lowercased().hasPrefix("https://") {
                return "OTLP URL '\(url)': https (TLS) is not supported by this exporter yet; "
                    + "send to an OpenTelemetry Collector over http:// on loopback and let it forward over TLS"
            }
            return "invalid OTLP URL '\(url)': use http://host:port/v1/traces"
        case .unsupportedProtocol(let name):
            return "OTLP protocol '\(name)' is not supported by this exporter yet; "
                + "use http/protobuf (the default, port 4318) or http/json"
        case .invalidHeader(let name, let reason):
            return "invalid OTLP header '\(name)': \(reason)"
        case .unknownHost(let host):
            return "cannot resolve OTLP host '\(host)'"
        case .connectionFailed(let host, let port, let errno):
            return "cannot connect to OTLP collector at \(host):\(port) (errno \(errno)); is it running?"
        case .transferFailed(let host, let port, let reason):
            return "OTLP request to \(host):\(port) failed: \(reason)"
        case .httpStatus(let status, let body, let retryAfter):
            let wait = retryAfter.map { " (Retry-After: \($0.components.seconds) s)" } ?? ""
            return "OTLP collector answered \(status)\(wait): \(body.prefix(200))"
        case .malformedResponse(let head):
            return "OTLP collector sent a malformed response: \(head.prefix(100))"
        }
    }
}
