// MetricsServerConfiguration: where a metrics server listens and the limits that keep hostile clients cheap.

/// Where a ``MetricsServer`` listens and how much it lets one client cost.
///
/// The defaults are safe: loopback only, small request headers, idle connections closed, a bounded number of
/// connections.
///
/// ```swift
/// var configuration = MetricsServerConfiguration(port: 9464)
/// configuration.host = "0.0.0.0"   // only when other machines must scrape
/// ```
public struct MetricsServerConfiguration: Sendable {
    /// The address to bind; `127.0.0.1` unless told otherwise.
    public var host: String
    /// The TCP port; 0 picks a free one (read it back with ``MetricsServer/listeningPort()``).
    public var port: Int
    /// The path served.
    public var path: String
    /// The largest request header block accepted, in bytes; larger requests are refused and the connection closed.
    public var maximumHeaderBytes: Int
    /// The most header fields one request may carry.
    public var maximumHeaderCount: Int
    /// A connection that sends nothing for this long is closed (a slow or stalled client).
    public var idleTimeout: Duration
    /// The most connections open at once. At the cap, a new connection takes the place of the one that has waited
    /// longest without a request being answered on it (idle, or still sending its request head), which is closed;
    /// a connection whose request is being answered is never closed for another. Only when all of them are being
    /// answered do newcomers wait in the listen backlog.
    public var maximumConnections: Int
    /// Whether the registry gets the `process_*` metrics of this process (CPU, memory, descriptors, start time),
    /// read from /proc at every scrape; see `MetricsRegistry.exposeProcessMetrics()`.
    public var processMetrics: Bool

    /// Creates a configuration; every parameter has a safe default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 9464,
        path: String = "/metrics",
        maximumHeaderBytes: Int = 16 * 1024,
        maximumHeaderCount: Int = 100,
        idleTimeout: Duration = .seconds(30),
        maximumConnections: Int = 256,
        processMetrics: Bool = true
    ) {
        self.host = host
        self.port = port
        self.path = path
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumHeaderCount = maximumHeaderCount
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.processMetrics = processMetrics
    }
}
