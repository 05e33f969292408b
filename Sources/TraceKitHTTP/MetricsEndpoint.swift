// MetricsEndpoint: answers one /metrics request from a registry: format by Accept, gzip by Accept-Encoding.

import Hummingbird
import TraceLog
import TraceMetrics

/// Builds `/metrics` responses from a ``MetricsRegistry``.
///
/// The format follows the `Accept` header (OpenMetrics 1.0 when asked for, as Prometheus does; else Prometheus text
/// 0.0.4), the body is gzip-compressed when `Accept-Encoding` allows it, `HEAD` gets the headers without the body,
/// and any other method gets `405 Method Not Allowed` with `Allow: GET, HEAD`. With a ``MetricsReadiness`` that is
/// not ready yet (a log replay still running), it answers `503 Service Unavailable` instead of partial metrics.
///
/// Unless told otherwise it adds the process metrics client libraries expose by default (`process_cpu_seconds_total`,
/// `process_resident_memory_bytes`, `process_open_fds`, ...; see `MetricsRegistry.exposeProcessMetrics()`) to the
/// registry; names registered there differently before are left alone.
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
    /// Until it is ready, the metrics are refused with 503; `nil` means always ready.
    public let readiness: MetricsReadiness?

    /// Creates an endpoint serving `registry` at `path`. The registry also gets the tracing statistics of the
    /// bootstrapped recorder (`MetricsRegistry.exposeTracingStatistics()`: dropped spans and what limits removed)
    /// and, with `processMetrics` (the default), the `process_*` metrics, both refreshed at every scrape.
    ///
    /// ```swift
    /// let endpoint = MetricsEndpoint(registry: registry, processMetrics: false)
    /// ```
    public init(
        registry: MetricsRegistry, path: String = "/metrics", minimumGzipBytes: Int = 512,
        readiness: MetricsReadiness? = nil, processMetrics: Bool = true
    ) {
        self.registry = registry
        self.path = path
        self.minimumGzipBytes = minimumGzipBytes
        self.readiness = readiness
        // Only fails if the registry holds these names with another meaning; the endpoint still serves the rest.
        try? registry.exposeTracingStatistics()
        // A conflicting registration (the application exposes its own process_* metrics) keeps the application's.
        if processMetrics { try? registry.exposeProcessMetrics() }
    }

    /// Whether the metrics may be served: no readiness was given, or it is ready.
    public var isReady: Bool { readiness?.isReady ?? true }

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
        guard isReady else { return Self.notReady(isHead: request.method == .head) }
        let format = ExpositionFormat(acceptHeader: request.headers[.accept])
        var body = registry.expositionBytes(format)
        var headers: HTTPFields = [.contentType: format.contentType, .vary: "Accept, Accept-Encoding"]
        headers[.cacheControl] = "no-store"
        if ContentCoding(acceptEncoding: request.headers[.acceptEncoding]) == .gzip, body.count >= minimumGzipBytes,
            let compressed = GzipMember.compress(body)
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

    /// The `503 Service Unavailable` response while the metrics are incomplete (`Retry-After: 1`).
    static func notReady(isHead: Bool) -> Response {
        plain(
            .serviceUnavailable, "not ready: the metrics are incomplete (a log replay is still running)\n",
            isHead: isHead, headers: [.retryAfter: "1"])
    }

    /// A short `text/plain` answer with its `Content-Length`, and no body for `HEAD`.
    static func plain(
        _ status: HTTPResponse.Status, _ text: String, isHead: Bool = false, headers extra: HTTPFields = [:]
    ) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        headers[.contentLength] = String(text.utf8.count)
        return Response(
            status: status, headers: headers,
            body: isHead ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(string: text)))
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
