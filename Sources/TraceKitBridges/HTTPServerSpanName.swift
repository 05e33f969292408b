// HTTPServerSpanName: names HTTP server spans `{method} {route}`, as the OpenTelemetry HTTP conventions say.

import Tracing

/// The span name the OpenTelemetry HTTP semantic conventions give a server span: `{method} {route}` (for example
/// `POST /api/apps`), or `{method}` alone when no route matched.
///
/// Hummingbird's `TracingMiddleware` names a server span after its route pattern only (`/api/apps`), so `GET` and
/// `POST` on one route shared a name and merged in every per-name statistic, and a request that matched no route
/// was named `NotFound` (the router's placeholder route) or `HTTP GET route not found`. The bridge renames such
/// spans when they end; a span whose name is anything else keeps it.
enum HTTPServerSpanName {
    /// The conventional name for a server span named `name` with these attributes, or `name` unchanged when it is
    /// not a span named by route (or by "route not found") with an `http.request.method`.
    static func conventional(_ name: String, attributes: SpanAttributes) -> String {
        guard let method = string(attributes, "http.request.method"), !method.isEmpty else { return name }
        if let route = string(attributes, "http.route") {
            guard name == route else { return name }
            // Hummingbird's router calls the route of a request that matched none `NotFound`; routes start with "/".
            return route.hasPrefix("/") ? "\(method) \(route)" : method
        }
        return name == "HTTP \(method) route not found" ? method : name
    }

    private static func string(_ attributes: SpanAttributes, _ key: String) -> String? {
        guard case .string(let value)? = attributes.get(key) else { return nil }
        return value
    }
}
