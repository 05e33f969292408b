// MetricsServer: a standalone HTTP server for /metrics, run as a swift-service-lifecycle Service.

import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import TraceMetrics

/// Serves a registry's metrics over HTTP/1.1 at `/metrics`, on `127.0.0.1:9464` unless told otherwise, with
/// `/ready` (200 once the metrics are complete, 503 before) and `/healthy` (200 while it runs).
///
/// It is a `Service`: run it in a `ServiceGroup` and it stops on graceful shutdown. Only `GET` and `HEAD` on the
/// path are answered (405 for other methods, 404 for other paths); headers are bounded, idle connections closed,
/// and at the connection cap a new connection takes the place of a stalled one (see
/// ``MetricsServerConfiguration/maximumConnections``). With a ``MetricsReadiness``, `/metrics` answers 503 until it
/// is ready. Unless ``MetricsServerConfiguration/processMetrics`` is false, the registry gets the `process_*`
/// metrics.
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

    /// Creates a server for `registry`; nothing listens until ``run()``. With `readiness`, `/metrics` and `/ready`
    /// answer 503 until it is ready.
    ///
    /// ```swift
    /// let server = MetricsServer(registry: registry, readiness: feeder.readiness)
    /// ```
    public init(
        registry: MetricsRegistry,
        configuration: MetricsServerConfiguration = .init(),
        readiness: MetricsReadiness? = nil,
        logger: Logger = Logger(label: "tracekit.metrics-server", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.endpoint = MetricsEndpoint(
            registry: registry, path: configuration.path, readiness: readiness,
            processMetrics: configuration.processMetrics)
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
    ///
    /// - Throws: ``MetricsServerError/cannotListen(host:port:reason:)`` when the address cannot be bound (a port in
    ///   use, an unknown host).
    public func run() async throws {
        let configuration = self.configuration
        let slots = ConnectionSlots(maximum: configuration.maximumConnections)
        let port = self.port
        let listening = ListeningFlag()
        let application = Application(
            responder: MetricsResponder(endpoint: endpoint),
            server: HTTPServerBuilder { responder in
                MetricsHTTPChannel(responder: responder, configuration: configuration, slots: slots)
            },
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "TraceKit",
                availableConnectionsDelegate: ConnectionSlotsDelegate(slots: slots)
            ),
            onServerRunning: { channel in
                listening.set()
                port.resolve(channel.localAddress?.port)
            },
            logger: logger
        )
        defer { port.resolve(nil) }
        do {
            try await application.run()
        } catch {
            // A failure before the server listened is a failure to bind: say which address and why.
            guard !listening.isSet else { throw error }
            throw MetricsServerError.cannotListen(
                host: configuration.host, port: configuration.port, reason: MetricsServerError.reason(error))
        }
    }
}
