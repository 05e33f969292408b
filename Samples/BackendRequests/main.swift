// BackendRequests: the backend layer: HTTP requests as server spans, turned into backend_http_* metrics live.
//
// Run: swift run BackendRequests

import TraceAnalysis
import TraceKit
import TraceMetrics

/// What the seed's Gin middleware records for every request, as span attributes (OpenTelemetry names).
func handle(_ method: String, _ route: String, status: Int, work: () -> Void) {
    traceOperation(
        "\(method) \(route)", ["http.request.method": .string(method), "http.route": .string(route)], kind: .server
    ) { span in
        work()
        span.setAttribute("http.response.status_code", .int(Int64(status)))
        if status >= 500 { span.status = .error(message: "HTTP \(status)") }
    }
}

do {
    let registry = MetricsRegistry()
    let analyzer = try SpanAnalyzer(registry: registry)  // derives metrics from every span it is handed
    try TraceSystem.bootstrap(TraceConfiguration(service: "backend", sinks: [analyzer]))

    for index in 0..<20 {
        handle("GET", "/api/apps", status: 200) { _ = (0..<2_000).reduce(0, &+) }
        if index % 5 == 0 { handle("POST", "/api/apps", status: index == 10 ? 500 : 201) {} }
    }
    // The seed's `curl localhost:8000/metrics | grep backend_http_requests_total`, without the server:
    for line in registry.exposition(.prometheusText).split(separator: "\n")
    where line.hasPrefix("backend_http_requests_total") || line.hasPrefix("backend_http_request_duration_seconds_count")
    {
        print(line)
    }
} catch {
    print("setup failed: \(error)")
}
