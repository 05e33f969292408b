// MetricsServer: a standalone HTTP server for /metrics, run as a swift-service-lifecycle Service.

import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TraceMetrics

/// Serves a registry's metrics over HTTP/1.1 at `/metrics`, on `127.0.0.1:9464` unless told otherwise.
///
/// It is a `Service`: run it in a `ServiceGroup` and it stops on graceful shutdown. Only `GET` and `HEAD` on the
/// path are answered (405 for other methods, 404 for other paths); headers are bounded, idle connections closed.
///
/// ```swift
/// let server = MetricsServer(registry: registry, configuration: .init(port: 9464))
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public struct MetricsServer: Service {
    /// Where the server listens and its limits.
    public let configuration: MetricsServerConfiguration
    private let endpoint: MetricsEndpoint
    private let logger: Logger
    private let port = ListeningPort()

    /// Creates a server for `registry`; nothing listens until ``run()``.
    public init(
        registry: MetricsRegistry,
        configuration: MetricsServerConfiguration = .init(),
        logger: Logger = Logger(label: "tracekit.metrics-server", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.endpoint = MetricsEndpoint(registry: registry, path: configuration.path)
        self.logger = logger
    }

    /// Returns the port the server is bound to once it listens, or `nil` if it stopped before listening.
    ///
    /// ```swift
    /// let server = MetricsServer(registry: registry, configuration: .init(port: 0))
    /// async let running: Void = server.run()
    /// let port = await server.listeningPort()
    /// ```
    public func listeningPort() async -> Int? {
        await port.value()
    }

    /// Listens and serves until the task is cancelled or graceful shutdown is triggered.
    public func run() async throws {
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: configuration.maximumHeaderBytes,
            maxHeaderListSize: configuration.maximumHeaderBytes,
            maxHeaderFieldCount: configuration.maximumHeaderCount
        )
        let idle = configuration.idleTimeout.components
        let idleTimeout = TimeAmount.nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
        let http1 = HTTP1Channel.Configuration(idleTimeout: idleTimeout, httpDecoderConfiguration: decoder)
        let port = self.port
        let application = Application(
            responder: MetricsResponder(endpoint: endpoint),
            server: .http1(configuration: http1),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "TraceKit",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maximumConnections)
            ),
            onServerRunning: { channel in port.resolve(channel.localAddress?.port) },
            logger: logger
        )
        defer { port.resolve(nil) }
        try await application.run()
    }
}
