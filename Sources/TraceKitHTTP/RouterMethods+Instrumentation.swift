// Adds Hummingbird's own metrics and tracing middleware to a router, in the order that records every request.

import Hummingbird

extension RouterMethods {
    /// Adds request metrics and a server span per request, recorded into TraceKit through the bridges.
    ///
    /// Uses Hummingbird's `MetricsMiddleware` and `TracingMiddleware`, with ``HTTPErrorResponseMiddleware`` between
    /// them so failed requests are timed too. Bootstrap the bridges once, before building the router:
    /// `MetricsSystem.bootstrap(TraceKitMetricsFactory(registry: registry, naming: .hummingbird(prefix: "backend")))`
    /// gives `backend_http_requests_total` and `backend_http_request_duration_seconds` by `method`, `route` (the
    /// pattern, such as `/apps/{id}`, never the raw path) and `status`; `InstrumentationSystem.bootstrap(TraceKitTracer())`
    /// makes each request a TraceKit server span named `{method} {route}` (`GET /apps/{id}`), continued from an
    /// incoming `traceparent`.
    ///
    /// ```swift
    /// let router = Router()
    /// router.addServerInstrumentation()
    /// router.get("/apps/{id}") { _, context in try context.parameters.require("id") }
    /// ```
    @discardableResult
    public func addServerInstrumentation() -> Self {
        _ = add(middleware: MetricsMiddleware<Context>())
        _ = add(middleware: HTTPErrorResponseMiddleware<Context>())
        _ = add(middleware: TracingMiddleware<Context>())
        return self
    }
}
