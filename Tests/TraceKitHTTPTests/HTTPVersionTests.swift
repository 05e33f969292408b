// Tests that HTTP/1.0, HTTP/0.9 and CONNECT requests get a proper answer at once and a closed connection.

import Foundation
import Testing
import TraceKitHTTP
import TraceMetrics

@Suite struct HTTPVersionTests {
    /// Sends `request` on a new connection and reads until the server closes it (or 60 s pass: then
    /// `closedByPeer` is false). The server's idle timeout is 300 s, so a close within the 60 s is the server's
    /// decision after answering, not its idle timeout.
    static func exchange(port: Int, _ request: String) async throws -> (text: String, closedByPeer: Bool) {
        try await offThread {
            let client = try RawHTTPClient(port: port, receiveTimeout: .seconds(60))
            _ = client.send(request)
            let (bytes, closed) = client.readUntilClosed()
            return (String(decoding: bytes, as: UTF8.self), closed)
        }
    }

    static func withServer<R: Sendable>(_ body: @Sendable (Int) async throws -> R) async throws -> R {
        try await withMetricsServer(try sampleRegistry(), configure: { $0.idleTimeout = .seconds(300) }, body)
    }

    @Test func http10RequestIsAnsweredAsHTTP10AndTheConnectionClosed() async throws {
        try await Self.withServer { port in
            let (text, closed) = try await Self.exchange(port: port, "GET /metrics HTTP/1.0\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(text.prefix(80))")
            #expect(text.lowercased().contains("\r\nconnection: close\r\n"))
            #expect(text.contains("demo_requests_total{route=\"/r0\"} 1\n"))
            #expect(closed, "the server kept an HTTP/1.0 connection open")
        }
    }

    @Test func http10KeepAliveIsHonouredForASecondRequest() async throws {
        try await Self.withServer { port in
            let answers = try await offThread {
                let client = try RawHTTPClient(port: port, receiveTimeout: .seconds(60))
                let request = "GET /metrics HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                _ = client.send(request)
                let first = try client.readResponse()
                _ = client.send(request)
                let second = try client.readResponse()
                return [first, second]
            }
            for answer in answers {
                #expect(answer.status == 200)
                #expect(answer.headers["connection"]?.lowercased() == "keep-alive")
                #expect(answer.text.contains("demo_requests_total{route=\"/r0\"} 1\n"))
            }
        }
    }

    @Test func http11ConnectionCloseIsSaidInTheResponse() async throws {
        try await Self.withServer { port in
            let (text, closed) = try await Self.exchange(
                port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.lowercased().contains("\r\nconnection: close\r\n"))
            #expect(closed)
        }
    }

    @Test func http09RequestLineGetsA400AtOnceAndIsClosed() async throws {
        try await Self.withServer { port in
            let (text, closed) = try await Self.exchange(port: port, "GET /metrics\r\n")
            #expect(text.hasPrefix("HTTP/1.0 400 Bad Request\r\n"), "\(text.prefix(80))")
            #expect(text.contains("HTTP/0.9 requests are not supported"))
            #expect(text.lowercased().contains("\r\ncontent-length: 79\r\n"))
            #expect(closed, "no answer and no close for an HTTP/0.9 request line")
            #expect(try await HostileClientTests.scrapeSucceeds(port: port))
        }
    }

    @Test func connectGets405WithContentLengthAndIsClosed() async throws {
        try await Self.withServer { port in
            let (text, closed) = try await Self.exchange(
                port: port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
            #expect(text.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"), "\(text.prefix(80))")
            let lower = text.lowercased()
            #expect(lower.contains("\r\ncontent-length: 36\r\n"))
            #expect(lower.contains("\r\nallow: get, head\r\n"))
            #expect(text.hasSuffix("\r\n\r\nmethod not allowed: use GET or HEAD\n"))
            #expect(closed, "a CONNECT left the connection open")
            #expect(try await HostileClientTests.scrapeSucceeds(port: port))
        }
    }
}
