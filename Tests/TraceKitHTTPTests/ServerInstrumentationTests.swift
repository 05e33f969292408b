// Tests that Hummingbird's metrics and tracing middleware record into TraceKit: seed names, route patterns, spans.

import Foundation
import Hummingbird
import Metrics
import Testing
import TraceAnalysis
import TraceKit
import TraceKitBridges
import TraceKitHTTP
import TraceLog
import TraceMetrics
import Tracing

struct Boom: Error {}

@Suite struct ServerInstrumentationTests {
    let environment: SharedInstrumentation.Environment

    init() throws {
        environment = try SharedInstrumentation.environment()
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.addServerInstrumentation()
        router.get("/si/apps/{id}") { _, context in
            let id = try context.parameters.require("id")
            return "app \(id)"
        }
        router.get("/si/count/{id}") { _, context in
            let id = try context.parameters.require("id")
            return "item \(id)"
        }
        router.post("/si/apps/{id}") { _, context in
            let id = try context.parameters.require("id")
            return "updated \(id)"
        }
        router.get("/si/fail") { _, _ -> String in throw Boom() }
        router.get("/si/teapot") { _, _ -> String in throw HTTPError(.badRequest, message: "no") }
        router.addMetricsRoute(MetricsEndpoint(registry: environment.registry))
        return router
    }

    @Test func requestsAreCountedAndTimedByMethodRoutePatternAndStatus() async throws {
        let registry = environment.registry
        try await withRunningApplication(router: makeRouter()) { port in
            for id in ["1", "2", "3"] {
                let response = try await RawHTTPClient.request(port: port, path: "/si/count/\(id)")
                #expect(response.status == 200)
            }
            let failed = try await RawHTTPClient.request(port: port, path: "/si/fail")
            #expect(failed.status == 500)
            let refused = try await RawHTTPClient.request(port: port, path: "/si/teapot")
            #expect(refused.status == 400)
            let counted = "backend_http_requests_total{method=\"GET\",path=\"/si/count/{id}\",status=\"200\"} 3\n"
            #expect(try await SharedInstrumentation.eventually { registry.exposition().contains(counted) })
            let text = try await RawHTTPClient.request(port: port).text
            #expect(text.contains(counted))
            // One series for three raw paths: the label is the pattern, so cardinality stays bounded.
            #expect(!text.contains("/si/count/1"))
            #expect(
                text.contains(
                    "backend_http_request_duration_seconds_count{method=\"GET\",path=\"/si/count/{id}\"} 3\n"
                ))
            // Failed requests are timed too (Hummingbird's middleware alone skips them).
            #expect(
                text.contains(
                    "backend_http_request_duration_seconds_count{method=\"GET\",path=\"/si/fail\"} 1\n")
            )
            #expect(
                text.contains("backend_http_requests_total{method=\"GET\",path=\"/si/teapot\",status=\"400\"} 1\n"))
        }
    }

    @Test func serverSpanContinuesTheIncomingTraceparent() async throws {
        let collector = environment.collector
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let parentSpanID = "00f067aa0ba902b7"
        try await withRunningApplication(router: makeRouter()) { port in
            let response = try await RawHTTPClient.request(
                port: port, path: "/si/apps/42", headers: ["traceparent": "00-\(traceID)-\(parentSpanID)-01"])
            #expect(response.status == 200)
            let found = try await SharedInstrumentation.eventually {
                collector.spans.contains { $0.traceID.description == traceID }
            }
            #expect(found)
            let span = try #require(collector.spans.first { $0.traceID.description == traceID })
            #expect(span.name == "GET /si/apps/{id}")
            #expect(span.kind == .server)
            #expect(span.parentSpanID?.description == parentSpanID)
            #expect(span.attributes["http.route"] == .string("/si/apps/{id}"))
            #expect(span.attributes["http.response.status_code"] == .int(200))
            #expect(span.attributes["url.path"] == .string("/si/apps/42"))
        }
    }

    @Test func withSpanAndSwiftMetricsShowUpInTheLogAndOnMetrics() async throws {
        let environment = self.environment
        let router = Router()
        router.addServerInstrumentation()
        router.get("/si/work") { _, _ -> String in
            // An instrumented library call: a swift-distributed-tracing span and a swift-metrics counter and timer.
            try await withSpan("si.db.query", ofKind: .client) { span in
                span.attributes["db.system"] = "sqlite"
                Counter(label: "si.db.queries", dimensions: [("table", "apps")]).increment()
                Metrics.Timer(label: "si.db.latency").recordMilliseconds(3)
                try await Task.sleep(for: .milliseconds(2))
            }
            return "done"
        }
        router.addMetricsRoute(MetricsEndpoint(registry: environment.registry))
        try await withRunningApplication(router: router) { port in
            let traceID = "0af7651916cd43dd8448eb211c80319c"
            let response = try await RawHTTPClient.request(
                port: port, path: "/si/work", headers: ["traceparent": "00-\(traceID)-b7ad6b7169203331-01"])
            #expect(response.status == 200)
            let metrics = try await RawHTTPClient.request(port: port).text
            #expect(metrics.contains("si_db_queries_total{table=\"apps\"} 1\n"))
            #expect(metrics.contains("si_db_latency_seconds_count 1\n"))
            _ = try await SharedInstrumentation.eventually {
                environment.collector.spans.filter { $0.traceID.description == traceID }.count == 2
            }
            environment.logWriter.flush()
            let logged = try LogReader.entries(path: environment.logPath).spans.filter {
                $0.traceID.description == traceID
            }
            let query = try #require(logged.first { $0.name == "si.db.query" })
            let server = try #require(logged.first { $0.name == "GET /si/work" })
            #expect(query.kind == .client)
            #expect(query.attributes["db.system"] == .string("sqlite"))
            #expect(query.parentSpanID == server.spanID)
            #expect(server.parentSpanID?.description == "b7ad6b7169203331")
        }
    }

    /// The HTTP semantic conventions name a server span `{method} {route}`, so GET and POST on one route are two
    /// span names (Hummingbird names it by route alone), and `{method}` when no route matched.
    @Test func serverSpansAreNamedMethodAndRoute() async throws {
        let collector = environment.collector
        let getTrace = "5bf92f3577b34da6a3ce929d0e0e4701"
        let postTrace = "5bf92f3577b34da6a3ce929d0e0e4702"
        let missingTrace = "5bf92f3577b34da6a3ce929d0e0e4703"
        try await withRunningApplication(router: makeRouter()) { port in
            for (method, path, trace) in [
                ("GET", "/si/apps/7", getTrace), ("POST", "/si/apps/7", postTrace),
                ("GET", "/si/nowhere", missingTrace),
            ] {
                _ = try await RawHTTPClient.request(
                    port: port, method: method, path: path,
                    headers: ["traceparent": "00-\(trace)-00f067aa0ba902b7-01", "Content-Length": "0"])
            }
            let found = try await SharedInstrumentation.eventually {
                [getTrace, postTrace, missingTrace].allSatisfy { trace in
                    collector.spans.contains { $0.traceID.description == trace }
                }
            }
            #expect(found)
            func name(_ trace: String) -> String? {
                collector.spans.first { $0.traceID.description == trace && $0.kind == .server }?.name
            }
            #expect(name(getTrace) == "GET /si/apps/{id}")
            #expect(name(postTrace) == "POST /si/apps/{id}")
            #expect(name(missingTrace) == "GET")
        }
    }
}
