// OTLPProtobufEncoder: spans as a binary protobuf ExportTraceServiceRequest, OTLP/HTTP's default encoding.

import TraceKit

/// Encodes spans as OTLP's `ExportTraceServiceRequest` in the protobuf binary format (opentelemetry-proto,
/// `collector/trace/v1`), as `Content-Type: application/x-protobuf` requests carry it.
///
/// Written by hand, straight from the span records into one byte array: on the benchmark workload this is
/// several times faster than building swift-protobuf messages and serializing them, and the bytes are identical
/// (Docs/Performance.md, "OTLP protobuf encoding"). Fields are written in field-number order and default values
/// are left out, as protobuf serializers do; attribute values are always written, because they are a `oneof`.
///
/// ```swift
/// let body = OTLPProtobufEncoder.exportRequest(resource: recorder.resource, spans: spans)
/// // POST body to http://collector:4318/v1/traces with Content-Type: application/x-protobuf
/// ```
public enum OTLPProtobufEncoder {
    /// The whole request for `spans` from `resource`, as protobuf bytes.
    public static func exportRequest(resource: Resource, spans: some Sequence<SpanRecord>) -> [UInt8] {
        var writer = ProtobufWriter(capacity: 256 * spans.underestimatedCount + 256)
        // ExportTraceServiceRequest.resource_spans = 1
        writer.message(1) { resourceSpans in
            // ResourceSpans.resource = 1 { Resource.attributes = 1 }
            resourceSpans.message(1) { resourceMessage in
                for attribute in OTLPJSONEncoder.resourceAttributes(resource) {
                    writeKeyValue(1, attribute, to: &resourceMessage)
                }
            }
            // ResourceSpans.scope_spans = 2
            resourceSpans.message(2) { scopeSpans in
                // ScopeSpans.scope = 1 { name = 1, version = 2 }
                scopeSpans.message(1) { scope in
                    scope.stringField(1, OTLPJSONEncoder.scopeName)
                    scope.stringField(2, resource.libraryVersion)
                }
                // ScopeSpans.spans = 2
                for span in spans {
                    scopeSpans.message(2) { writeSpan(span, to: &$0) }
                }
            }
        }
        return writer.bytes
    }

    /// The fields of one `Span` message, in field-number order.
    static func writeSpan(_ span: SpanRecord, to writer: inout ProtobufWriter) {
        writer.bigEndianField(1, span.traceID.high, span.traceID.low)
        writer.bigEndianField(2, span.spanID.rawValue)
        if span.samplingThreshold != 0 {
            writer.stringField(3, SamplingTraceState.value(threshold: span.samplingThreshold))
        }
        if let parent = span.parentSpanID { writer.bigEndianField(4, parent.rawValue) }
        if !span.name.isEmpty { writer.stringField(5, span.name) }
        writer.varintField(6, UInt64(OTLPJSONEncoder.kindNumber(span.kind)))
        if span.startUnixNanoseconds != 0 { writer.fixed64Field(7, span.startUnixNanoseconds) }
        if span.endUnixNanoseconds != 0 { writer.fixed64Field(8, span.endUnixNanoseconds) }
        for attribute in span.attributes { writeKeyValue(9, attribute, to: &writer) }
        if span.droppedAttributeCount > 0 { writer.varintField(10, UInt64(span.droppedAttributeCount)) }
        for event in span.events {
            writer.message(11) { message in
                if event.timeUnixNanoseconds != 0 { message.fixed64Field(1, event.timeUnixNanoseconds) }
                if !event.name.isEmpty { message.stringField(2, event.name) }
                for attribute in event.attributes { writeKeyValue(3, attribute, to: &message) }
            }
        }
        if span.droppedEventCount > 0 { writer.varintField(12, UInt64(span.droppedEventCount)) }
        switch span.status {
        case .unset:
            break
        case .ok:
            writer.message(15) { $0.varintField(3, 1) }
        case .error(let message):
            writer.message(15) { status in
                if !message.isEmpty { status.stringField(2, message) }
                status.varintField(3, 2)
            }
        }
    }

    /// A `KeyValue` { key = 1, value = 2 } as field `field` of the enclosing message.
    static func writeKeyValue(_ field: UInt32, _ attribute: TraceAttribute, to writer: inout ProtobufWriter) {
        writer.message(field) { keyValue in
            if !attribute.key.isEmpty { keyValue.stringField(1, attribute.key) }
            keyValue.message(2) { writeAnyValue(attribute.value, to: &$0) }
        }
    }

    /// The fields of an `AnyValue`: string 1, bool 2, int 3, double 4, array 5 (`ArrayValue.values` = 1).
    static func writeAnyValue(_ value: AttributeValue, to writer: inout ProtobufWriter) {
        switch value {
        case .string(let string): writer.stringField(1, string)
        case .bool(let bool): writer.boolField(2, bool)
        case .int(let integer): writer.varintField(3, UInt64(bitPattern: integer))
        case .double(let double): writer.doubleField(4, double)
        case .stringArray(let values):
            writer.message(5) { array in for value in values { array.message(1) { $0.stringField(1, value) } } }
        case .boolArray(let values):
            writer.message(5) { array in for value in values { array.message(1) { $0.boolField(2, value) } } }
        case .intArray(let values):
            writer.message(5) { array in
                for value in values { array.message(1) { $0.varintField(3, UInt64(bitPattern: value)) } }
            }
        case .doubleArray(let values):
            writer.message(5) { array in for value in values { array.message(1) { $0.doubleField(4, value) } } }
        }
    }
}
