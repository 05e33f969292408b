// Tests that /metrics negotiates format and encoding, answers HEAD, and refuses other methods and paths.

import Foundation
import Hummingbird
import Testing
import TraceKitHTTP
import TraceMetrics

/// Inflates a gzip body with the system `gzip -dc`.
func gunzip(_ bytes: [UInt8]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-dc"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(bytes))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

func sampleRegistry() throws -> MetricsRegistry {
    let registry = MetricsRegistry()
    let requests = try registry.counterFamily("demo_requests_total", help: "Requests.", labelNames: ["route"])
    for index in 0..<60 { try requests.labels(["route": "/r\(index)"]).increment(by: index + 1) }
    return registry
}

@Suite struct MetricsEndpointTests {
    @Test func plainGetServesPrometheusText() async throws {
        let registry = try sampleRegistry()
        try await withMetricsServer(registry) { port in
            let response = try await RawHTTPClient.request(port: port)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.text.contains("demo_requests_total{route=\"/r7\"} 8\n"))
            #expect(!response.text.contains("# EOF"))
        }
    }

    @Test func openMetricsAcceptHeaderGetsOpenMetrics() async throws {
        let registry = try sampleRegistry()
        try await withMetricsServer(registry) { port in
            let accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
            let response = try await RawHTTPClient.request(port: port, headers: ["Accept": accept])
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
            #expect(response.text.hasSuffix("# EOF\n"))
        }
    }

    @Test func gzipIsSentOnlyWhenAccepted() async throws {
        let registry = try sampleRegistry()
        // Without the process metrics, which change between two scrapes: the bodies are compared byte for byte.
        try await withMetricsServer(registry, configure: { $0.processMetrics = false }) { port in
            let plain = try await RawHTTPClient.request(port: port)
            let zipped = try await RawHTTPClient.request(port: port, headers: ["Accept-Encoding": "gzip, deflate"])
            let refused = try await RawHTTPClient.request(
                port: port, headers: ["Accept-Encoding": "gzip;q=0, identity"])
            #expect(zipped.headers["content-encoding"] == "gzip")
            #expect(zipped.body.count < plain.body.count)
            #expect(try gunzip(zipped.body) == plain.text)
            #expect(refused.headers["content-encoding"] == nil)
            #expect(refused.text == plain.text)
        }
    }

    @Test func headGivesTheHeadersOfGetWithoutABody() async throws {
        let registry = try sampleRegistry()
        // Without the process metrics, whose digits (and so the length) change between two scrapes.
        try await withMetricsServer(registry, configure: { $0.processMetrics = false }) { port in
            let get = try await RawHTTPClient.request(port: port)
            let raw = try await offThread {
                let client = try RawHTTPClient(port: port, receiveTimeout: .seconds(2))
                _ = client.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return String(decoding: client.readAll(), as: UTF8.self)
            }
            #expect(raw.hasPrefix("HTTP/1.1 200"))
            #expect(raw.lowercased().contains("content-length: \(get.body.count)\r\n"))
            #expect(raw.hasSuffix("\r\n\r\n"))  // nothing after the head
        }
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE"])
    func otherMethodsGet405WithAllow(method: String) async throws {
        try await withMetricsServer(try sampleRegistry()) { port in
            let response = try await RawHTTPClient.request(port: port, method: method)
            #expect(response.status == 405)
            #expect(response.headers["allow"] == "GET, HEAD")
        }
    }

    @Test func otherPathsGet404() async throws {
        try await withMetricsServer(try sampleRegistry()) { port in
            let root = try await RawHTTPClient.request(port: port, path: "/")
            let extra = try await RawHTTPClient.request(port: port, path: "/metrics/extra")
            #expect(root.status == 404)
            #expect(extra.status == 404)
        }
    }

    @Test func routeInAHummingbirdRouterServesMetricsAndRefusesPost() async throws {
        let registry = try sampleRegistry()
        let router = Router()
        router.get("/hello") { _, _ in "hi" }
        router.addMetricsRoute(MetricsEndpoint(registry: registry))
        try await withRunningApplication(router: router) { port in
            let metrics = try await RawHTTPClient.request(port: port)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("demo_requests_total{route=\"/r0\"} 1\n"))
            let post = try await RawHTTPClient.request(port: port, method: "POST")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")
            let hello = try await RawHTTPClient.request(port: port, path: "/hello")
            #expect(hello.text == "hi")
        }
    }
}
