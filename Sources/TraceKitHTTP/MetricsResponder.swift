// MetricsResponder: the whole HTTP surface of a standalone metrics server: /metrics, /ready, /healthy, 404 elsewhere.

import Hummingbird

/// Answers every request of a ``MetricsServer``: the endpoint's path with metrics (or 405, or 503 until ready),
/// `/ready` with 200 once the metrics are complete (503 before), `/healthy` with 200 while the server runs, and
/// anything else with 404.
struct MetricsResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let endpoint: MetricsEndpoint

    /// The readiness route: 200 once the metrics are complete, 503 while a replay is still running.
    static let readinessPath = "/ready"
    /// The liveness route: 200 whenever the server answers at all.
    static let livenessPath = "/healthy"

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        switch request.uri.path {
        case endpoint.path:
            return endpoint.response(to: request)
        case Self.readinessPath:
            guard request.method == .get || request.method == .head else { return MetricsEndpoint.methodNotAllowed() }
            let isHead = request.method == .head
            return endpoint.isReady
                ? MetricsEndpoint.plain(.ok, "ready\n", isHead: isHead)
                : MetricsEndpoint.notReady(isHead: isHead)
        case Self.livenessPath:
            guard request.method == .get || request.method == .head else { return MetricsEndpoint.methodNotAllowed() }
            return MetricsEndpoint.plain(.ok, "alive\n", isHead: request.method == .head)
        default:
            return MetricsEndpoint.notFound()
        }
    }
}
