// OTLPProtocol: which OTLP transport and encoding an exporter speaks (the OTEL_EXPORTER_OTLP_PROTOCOL values).

/// The OTLP protocol: `http/protobuf` (the default), `http/json` or `grpc`.
///
/// This module sends `http/protobuf` and `http/json`; `grpc` can be configured (so one configuration serves a
/// gRPC transport added later) but ``OTLPHTTPTransport`` refuses it with ``OTLPExportError/unsupportedProtocol(_:)``.
///
/// ```swift
/// let configuration = OTLPExporterConfiguration(protocol: .httpJSON)
/// OTLPProtocol(rawValue: "http/protobuf")   // .httpProtobuf
/// ```
public enum OTLPProtocol: String, Sendable, Hashable, CaseIterable {
    /// Protobuf binary over HTTP: `Content-Type: application/x-protobuf`, usually port 4318.
    case httpProtobuf = "http/protobuf"
    /// Protobuf JSON mapping over HTTP (ids as hex): `Content-Type: application/json`, usually port 4318.
    case httpJSON = "http/json"
    /// gRPC over HTTP/2, usually port 4317. Not sent by this module yet.
    case grpc

    /// The request's `Content-Type` for the HTTP protocols.
    var contentType: String {
        switch self {
        case .httpProtobuf, .grpc: return "application/x-protobuf"
        case .httpJSON: return "application/json"
        }
    }
}
