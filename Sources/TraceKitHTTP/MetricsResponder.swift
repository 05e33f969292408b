// MetricsResponder: the whole HTTP surface of a standalone metrics server: /metrics, and 404 elsewhere.

import Hummingbird

/// Answers every request of a ``MetricsServer``: the endpoint's path with metrics (or 405), anything else with 404.
struct MetricsResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let endpoint: MetricsEndpoint

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        guard request.uri.path == endpoint.path else { return MetricsEndpoint.notFound() }
        return endpoint.response(to: request)
    }
}
