// OTLPExporterConfiguration: where and how spans are sent: endpoint, protocol, headers, compression, timeout.

/// The settings the OpenTelemetry specification defines for an OTLP exporter, transport-neutral: the HTTP
/// transport of this module reads them, and a gRPC or TLS transport added later reads the same.
///
/// Set them in code, or read them from the `OTEL_EXPORTER_OTLP_*` variables with
/// ``fromEnvironment(_:endpoint:protocol:headers:compression:timeout:onWarning:)``, where values given in code win.
///
/// ```swift
/// let configuration = OTLPExporterConfiguration(
///     endpoint: "http://collector:4318/v1/traces", headers: ["authorization": "Bearer \(token)"], compression: .gzip)
/// let exporter = try OTLPSpanExporter(configuration: configuration, resource: Resource(serviceName: "api"))
/// ```
public struct OTLPExporterConfiguration: Sendable, Hashable {
    /// The OTLP/HTTP traces endpoint when nothing else is configured.
    public static let defaultHTTPEndpoint = "http://localhost:4318/v1/traces"
    /// The OTLP/gRPC endpoint when nothing else is configured.
    public static let defaultGRPCEndpoint = "http://localhost:4317"

    /// The full URL requests go to, used as it is (for OTLP/HTTP it ends in `/v1/traces`).
    public var endpoint: String
    /// The protocol; `http/protobuf` unless configured otherwise.
    public var `protocol`: OTLPProtocol
    /// Extra request headers, such as `authorization` or `api-key`.
    public var headers: [String: String]
    /// Request body compression.
    public var compression: OTLPCompression
    /// How long connecting, sending and receiving may each take per attempt; zero means no limit.
    public var timeout: Duration

    /// Creates a configuration; the defaults are the specification's (`http/protobuf` to localhost:4318, no
    /// compression, 10 s).
    public init(
        endpoint: String = OTLPExporterConfiguration.defaultHTTPEndpoint,
        protocol: OTLPProtocol = .httpProtobuf,
        headers: [String: String] = [:],
        compression: OTLPCompression = .none,
        timeout: Duration = .seconds(10)
    ) {
        self.endpoint = endpoint
        self.protocol = `protocol`
        self.headers = headers
        self.compression = compression
        self.timeout = timeout
    }
}
