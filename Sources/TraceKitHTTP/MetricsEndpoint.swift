// MetricsEndpoint: answers one /metrics request from a registry: format by Accept, gzip by Accept-Encoding.

import Hummingbird
import TraceMetrics

/// Builds `/metrics` responses from a ``MetricsRegistry``.
///
/// The format follows the `Accept` header (OpenMetrics 1.0 when asked for, as Prometheus does; else Prometheus text
/// 0.0.4), the body is gzip-compressed when `Accept-Encoding` allows it, `HEAD` gets the headers without the body,
/// and any other method gets `405 Method Not Allowed` with `Allow: GET, HEAD`.
///
/// ```swift
/// let endpoint = MetricsEndpoint(registry: registry)
/// let response = endpoint.response(to: request)
/// ```
public struct MetricsEndpoint: Sendable {
    /// The registry whose metrics are served.
    public let registry: MetricsRegistry
    /// The path served, `/metrics` by default.
    public let path: String
    /// Bodies smaller than this are sent uncompressed even when gzip is accepted (compressing them gains little).
    public var minimumGzipBytes: Int

    /// Creates an endpoint serving `registry` at `path`. The registry also gets the tracing statistics of the
    /// bootstrapped recorder (`MetricsRegistry.exposeTracingStatistics()`: dropped spans and what limits removed).
    public init(registry: MetricsRegistry, path: String = "/metrics", minimumGzipBytes: Int = 512) {
        self.registry = registry
        self.path = path
        self.minimumGzipBytes = minimumGzipBytes
        // Only fails if the registry holds these names with another meaning; the endpoint still serves the rest.
        try? registry.exposeTracingStatistics()
    }

    /// The value of the `Allow` header: the only methods `/metrics` answers.
    public static let allowedMethods = "GET, HEAD"

    /// Returns the response to a request for this endpoint's path, whatever its method.
    ///
    /// ```swift
    /// router.get("/metrics") { request, _ in endpoint.response(to: request) }
    /// ```
    public func response(to request: Request) -> Response {
        guard request.method == .get || request.method == .head else {
            return Self.methodNotAllowed()
        }
        let format = ExpositionFormat(acceptHeader: request.headers[.accept])
        var body = registry.expositionBytes(format)
        var headers: HTTPFields = [.contentType: format.contentType, .vary: "Accept, Accept-Encoding"]
        headers[.cacheControl] = "no-store"
        if ContentCoding(acceptEncoding: request.headers[.acceptEncoding]) == .gzip, body.count >= minimumGzipBytes,
            let compressed = GzipEncoder.compress(body)
        {
            body = compressed
            headers[.contentEncoding] = "gzip"
        }
        headers[.contentLength] = String(body.count)
        if request.method == .head {
            return Response(status: .ok, headers: headers, body: ResponseBody())
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The `405 Method Not Allowed` response, with `Allow: GET, HEAD`.
    static func methodNotAllowed() -> Response {
        Response(
            status: .methodNotAllowed,
            headers: [.allow: allowedMethods, .contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "method not allowed: use GET or HEAD\n"))
        )
    }

    /// The `404 Not Found` response for paths other than ``path``.
    static func notFound() -> Response {
        Response(
            status: .notFound,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "not found: metrics are at /metrics\n"))
        )
    }
}
