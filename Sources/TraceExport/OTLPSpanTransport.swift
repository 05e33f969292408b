// OTLPSpanTransport: what the OTLP span exporter needs from a transport: encode a batch, send it once.

import TraceKit

/// Moves encoded span batches to an OTLP receiver. ``OTLPSpanExporter`` owns batching, the queue, retries and
/// counting; a transport only encodes a batch and makes one attempt to deliver it.
///
/// This module has ``OTLPHTTPTransport`` (plain HTTP/1.1, protobuf or JSON). Other transports (gRPC, TLS) can come
/// from other modules and plug into the same exporter.
///
/// ```swift
/// let transport = try OTLPHTTPTransport(configuration: .fromEnvironment())
/// let exporter = try OTLPSpanExporter(transport: transport, resource: Resource(serviceName: "api"))
/// ```
public protocol OTLPSpanTransport: Sendable {
    /// Where requests go, for messages, e.g. `http://collector:4318/v1/traces`.
    var endpoint: String { get }

    /// The request body for `spans` from `resource`, ready to send (and to send again on a retry).
    func encode(_ spans: some Collection<SpanRecord>, resource: Resource) throws(OTLPExportError) -> [UInt8]

    /// Sends `body` once, blocking the calling thread; returns the receiver's partial success, if it reported one.
    ///
    /// Throws ``OTLPExportError``; the exporter retries when ``OTLPExportError/isRetryable`` is true, waiting at least
    /// ``OTLPExportError/retryAfter``.
    func send(_ body: [UInt8]) throws(OTLPExportError) -> OTLPPartialSuccess?
}
