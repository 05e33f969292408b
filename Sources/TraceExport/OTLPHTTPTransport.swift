// OTLPHTTPTransport: OTLP over plain HTTP/1.1: protobuf or JSON bodies, optional gzip, configured headers.

import TraceKit
import TraceLog

/// Sends OTLP/HTTP requests (`http/protobuf` or `http/json`) to an `http://` endpoint, one connection per request.
///
/// ```swift
/// let transport = try OTLPHTTPTransport(
///     configuration: .init(endpoint: "http://127.0.0.1:4318/v1/traces", headers: ["api-key": "k"], compression: .gzip))
/// ```
public struct OTLPHTTPTransport: OTLPSpanTransport {
    /// The settings in use.
    public let configuration: OTLPExporterConfiguration
    let target: HTTPEndpoint
    /// Every header line after the request line and `Host`, in order.
    let fields: [(String, String)]

    /// Headers the transport writes itself; configuring one of them is an error.
    static let reservedHeaders: Set<String> = [
        "host", "content-length", "content-type", "content-encoding", "connection", "transfer-encoding", "te",
        "upgrade", "expect", "trailer",
    ]

    /// Checks the configuration: an `http://` endpoint, an HTTP protocol, valid headers.
    public init(configuration: OTLPExporterConfiguration) throws(OTLPExportError) {
        guard configuration.protocol != .grpc else { throw .unsupportedProtocol(configuration.protocol.rawValue) }
        self.configuration = configuration
        self.target = try HTTPEndpoint(configuration.endpoint)
        var fields: [(String, String)] = [("Content-Type", configuration.protocol.contentType)]
        if configuration.compression == .gzip { fields.append(("Content-Encoding", "gzip")) }
        var userAgent = HTTPPoster.userAgent
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            try Self.validate(name: name, value: value)
            if name.lowercased() == "user-agent" {
                userAgent = value
            } else {
                fields.append((name, value))
            }
        }
        fields.append(("User-Agent", userAgent))
        self.fields = fields
    }

    public var endpoint: String { configuration.endpoint }

    public func encode(_ spans: some Collection<SpanRecord>, resource: Resource) throws(OTLPExportError) -> [UInt8] {
        let body =
            configuration.protocol == .httpJSON
            ? OTLPJSONEncoder.exportRequest(resource: resource, spans: spans)
            : OTLPProtobufEncoder.exportRequest(resource: resource, spans: spans)
        guard configuration.compression == .gzip else { return body }
        guard let compressed = GzipMember.compress(body) else {
            throw .transferFailed(host: target.host, port: target.port, reason: "gzip compression failed")
        }
        return compressed
    }

    public func send(_ body: [UInt8]) throws(OTLPExportError) -> OTLPPartialSuccess? {
        let response = try HTTPPoster.post(body, to: target, fields: fields, timeout: configuration.timeout)
        guard (200..<300).contains(response.status) else {
            let retryAfter = response.headers["retry-after"].flatMap { RetryAfter.wait($0) }
            throw .httpStatus(response.status, body: response.bodyText, retryAfter: retryAfter)
        }
        return OTLPPartialSuccess.decode(
            response.body, contentType: response.headers["content-type"], requestProtocol: configuration.protocol)
    }

    /// A header name must be an HTTP token and not one the transport sets; a value must not break the line.
    static func validate(name: String, value: String) throws(OTLPExportError) {
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !name.isEmpty, name.allSatisfy({ tokenCharacters.contains($0) }) else {
            throw .invalidHeader(name: name, reason: "a header name is letters, digits and !#$%&'*+-.^_`|~ only")
        }
        guard !reservedHeaders.contains(name.lowercased()) else {
            throw .invalidHeader(name: name, reason: "the exporter sets this header itself")
        }
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw .invalidHeader(name: name, reason: "the value contains a line break or NUL")
        }
    }
}
