// OTLPCompression: how request bodies are compressed (the OTEL_EXPORTER_OTLP_COMPRESSION values).

/// Request body compression: `none` (the default, as the OTLP specification says) or `gzip`.
///
/// ```swift
/// let configuration = OTLPExporterConfiguration(compression: .gzip)   // Content-Encoding: gzip
/// ```
public enum OTLPCompression: String, Sendable, Hashable, CaseIterable {
    /// Bodies are sent as they are.
    case none
    /// Bodies are one gzip member, with `Content-Encoding: gzip`; OTLP protobuf shrinks about 4x.
    case gzip
}
