// Tests that idle and slow clients holding the connection cap do not keep a scrape waiting.

import Foundation
import Synchronization
import Testing
import TraceKitHTTP
import TraceMetrics

@Suite struct ConnectionCapTests {
    /// The documented cap (256) is taken by connections that send nothing and by connections that send a request
    /// a byte at a time; 16 more stalled ones queue behind them, then a scrape connects. The kernel hands accepted
    /// connections over in order, so the scrape reaches the server after every stalled one. The idle timeout is
    /// 300 s and the scrape gives up after 60 s: a server that waits for a stalled client to time out before
    /// taking the scrape fails it; one that makes room answers it.
    @Test func scrapeIsAnsweredWhileStalledClientsHoldTheConnectionCap() async throws {
        let cap = MetricsServerConfiguration().maximumConnections
        #expect(cap == 256)
        try await withMetricsServer(try sampleRegistry(), configure: { $0.idleTimeout = .seconds(300) }) { port in
            let stalled = try (0..<(cap + 16)).map { _ in try RawHTTPClient(port: port, receiveTimeout: .seconds(300)) }
            let slow = stalled.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            // The slow half sends a request line a byte at a time until the test ends.
            let trickling = Atomic<Bool>(true)
            let trickler = Task.detached {
                let request = Array("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8)
                var index = 0
                while trickling.load(ordering: .relaxed) {
                    for client in slow { _ = client.send([request[min(index, request.count - 1)]]) }
                    index += 1
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            defer {
                trickling.store(false, ordering: .relaxed)
                trickler.cancel()
            }
            for _ in 0..<3 {
                let response = try await offThread {
                    let client = try RawHTTPClient(port: port, receiveTimeout: .seconds(60))
                    _ = client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    return try client.readResponse()
                }
                #expect(response.status == 200)
                #expect(response.text.contains("demo_requests_total{route=\"/r0\"} 1\n"))
            }
            withExtendedLifetime(stalled) {}
        }
    }

    /// A connection at the cap takes the place of a stalled client, which is closed. (Which one is the oldest by a
    /// few microseconds depends on which event loop set it up first, so the test only asks that one of them went.)
    @Test func aStalledConnectionIsClosedToMakeRoom() async throws {
        let configure: (inout MetricsServerConfiguration) -> Void = { configuration in
            configuration.idleTimeout = .seconds(300)
            configuration.maximumConnections = 4
        }
        try await withMetricsServer(try sampleRegistry(), configure: configure) { port in
            let stalled = try (0..<4).map { _ in try RawHTTPClient(port: port, receiveTimeout: .seconds(300)) }
            let response = try await RawHTTPClient.request(port: port)
            #expect(response.status == 200)
            let closed = try await offThread { () -> Int in
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    let closed = stalled.filter { $0.isClosedByPeer() }.count
                    if closed > 0 { return closed }
                    usleep(10_000)
                }
                return 0
            }
            #expect(closed == 1, "\(closed) stalled connections were closed")
        }
    }
}
