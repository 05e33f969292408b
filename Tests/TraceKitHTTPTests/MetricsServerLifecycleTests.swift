// Tests that MetricsServer runs as a swift-service-lifecycle Service and stops on graceful shutdown.

import Logging
import ServiceLifecycle
import Testing
import TraceKitHTTP
import TraceMetrics

@Suite struct MetricsServerLifecycleTests {
    @Test func serverInAServiceGroupServesAndStopsOnGracefulShutdown() async throws {
        let server = MetricsServer(registry: try sampleRegistry(), configuration: .init(port: 0))
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(services: [server], logger: logger)
        let running = Task { try await group.run() }
        let port = try #require(await server.listeningPort())
        let response = try await RawHTTPClient.request(port: port)
        #expect(response.status == 200)
        await group.triggerGracefulShutdown()
        try await running.value  // returns: the server stopped
        let refused = await #expect(throws: (any Error).self) { try await RawHTTPClient.request(port: port) }
        #expect(refused != nil)
    }

    @Test func defaultConfigurationIsLoopbackOnly() {
        let configuration = MetricsServerConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 9464)
        #expect(configuration.path == "/metrics")
    }

    /// A busy port is a typed error naming the address and the system's reason, not NIO's raw bind message.
    @Test func busyPortThrowsCannotListenWithTheReason() async throws {
        try await withMetricsServer(try sampleRegistry()) { port in
            let second = MetricsServer(registry: try sampleRegistry(), configuration: .init(port: port))
            await #expect(
                throws: MetricsServerError.cannotListen(
                    host: "127.0.0.1", port: port,
                    reason: "Address already in use (errno 98); pick another port or stop the process using it")
            ) { try await second.run() }
            #expect(await second.listeningPort() == nil)
        }
    }
}
