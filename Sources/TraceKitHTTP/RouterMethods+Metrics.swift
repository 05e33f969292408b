// Adds a /metrics route to any Hummingbird 2 router or router group.

import Hummingbird
import TraceMetrics

extension RouterMethods {
    /// Serves `endpoint` at its path: `GET` and `HEAD` answer with the metrics, the other standard methods with
    /// `405 Method Not Allowed` and `Allow: GET, HEAD`.
    ///
    /// ```swift
    /// let router = Router()
    /// router.addMetricsRoute(MetricsEndpoint(registry: registry))
    /// ```
    @discardableResult
    public func addMetricsRoute(_ endpoint: MetricsEndpoint) -> Self {
        let path = RouterPath(endpoint.path)
        for method in [HTTPRequest.Method.get, .head] {
            on(path, method: method) { request, _ in endpoint.response(to: request) }
        }
        // Hummingbird's router answers 404 for a known path with an unregistered method; /metrics should say 405.
        let refused: [HTTPRequest.Method] = [.post, .put, .delete, .patch, .options, .trace, .connect]
        for method in refused {
            on(path, method: method) { _, _ in MetricsEndpoint.methodNotAllowed() }
        }
        return self
    }
}
