// OTLPJSONEncoder: spans as an OTLP/JSON ExportTraceServiceRequest, for an OpenTelemetry Collector or a file.

import TraceKit

/// Encodes spans as the JSON form of OTLP's `ExportTraceServiceRequest` (opentelemetry-proto, trace v1).
///
/// Follows the OTLP/JSON rules: trace and span ids as lowercase hex (not base64), 64-bit integers as decimal
/// strings, enums as integers, field names in lowerCamelCase.
///
/// ```swift
/// let body = OTLPJSONEncoder.exportRequest(resource: recorder.resource, spans: spans)
/// // POST body to http://collector:4318/v1/traces with Content-Type: application/json
/// ```
public enum OTLPJSONEncoder {
    /// The instrumentation scope name spans are reported under.
    public static let scopeName = "TraceKit"

    /// The whole request for `spans` from `resource`, as UTF-8 JSON bytes.
    public static func exportRequest(resource: Resource, spans: some Sequence<SpanRecord>) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.key("resourceSpans")
        json.beginArray()
        json.beginObject()
        json.key("resource")
        json.beginObject()
        json.key("attributes")
        writeAttributes(resourceAttributes(resource), to: &json)
        json.endObject()
        json.key("scopeSpans")
        json.beginArray()
        json.beginObject()
        json.key("scope")
        json.beginObject()
        json.key("name")
        json.string(scopeName)
        json.key("version")
        json.string(resource.libraryVersion)
        json.endObject()
        json.key("spans")
        json.beginArray()
        for span in spans { writeSpan(span, to: &json) }
        json.endArray()
        json.endObject()
        json.endArray()
        json.endObject()
        json.endArray()
        json.endObject()
        return json.bytes
    }

    /// The resource attributes OTLP expects (`service.name`, `host.name`, `process.pid`, `telemetry.sdk.*`).
    static func resourceAttributes(_ resource: Resource) -> TraceAttributes {
        var attributes: TraceAttributes = [
            "service.name": .string(resource.serviceName),
            "host.name": .string(resource.hostName),
            "process.pid": .int(resource.processID),
            "telemetry.sdk.name": "tracekit",
            "telemetry.sdk.language": "swift",
            "telemetry.sdk.version": .string(resource.libraryVersion),
        ]
        for attribute in resource.attributes { attributes[attribute.key] = attribute.value }
        return attributes
    }

    /// OTLP `SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
    static func kindNumber(_ kind: SpanRecord.Kind) -> Int64 {
        switch kind {
        case .internal: return 1
        case .server: return 2
        case .client: return 3
        case .producer: return 4
        case .consumer: return 5
        }
    }

    static func writeSpan(_ span: SpanRecord, to json: inout JSONWriter) {
        json.beginObject()
        json.key("traceId")
        json.string(span.traceID.description)
        json.key("spanId")
        json.string(span.spanID.description)
        if span.samplingThreshold != 0 {
            json.key("traceState")
            json.string(SamplingTraceState.value(threshold: span.samplingThreshold))
        }
        if let parent = span.parentSpanID {
            json.key("parentSpanId")
            json.string(parent.description)
        }
        json.key("name")
        json.string(span.name)
        json.key("kind")
        json.integer(kindNumber(span.kind))
        json.key("startTimeUnixNano")
        json.string(String(span.startUnixNanoseconds))
        json.key("endTimeUnixNano")
        json.string(String(span.endUnixNanoseconds))
        json.key("attributes")
        writeAttributes(span.attributes, to: &json)
        if span.droppedAttributeCount > 0 {
            json.key("droppedAttributesCount")
            json.integer(Int64(span.droppedAttributeCount))
        }
        json.key("events")
        json.beginArray()
        for event in span.events {
            json.beginObject()
            json.key("timeUnixNano")
            json.string(String(event.timeUnixNanoseconds))
            json.key("name")
            json.string(event.name)
            json.key("attributes")
            writeAttributes(event.attributes, to: &json)
            json.endObject()
        }
        json.endArray()
        if span.droppedEventCount > 0 {
            json.key("droppedEventsCount")
            json.integer(Int64(span.droppedEventCount))
        }
        json.key("status")
        json.beginObject()
        switch span.status {
        case .unset:
            break
        case .ok:
            json.key("code")
            json.integer(1)
        case .error(let message):
            json.key("code")
            json.integer(2)
            json.key("message")
            json.string(message)
        }
        json.endObject()
        json.endObject()
    }

    static func writeAttributes(_ attributes: TraceAttributes, to json: inout JSONWriter) {
        json.beginArray()
        for attribute in attributes {
            json.beginObject()
            json.key("key")
            json.string(attribute.key)
            json.key("value")
            writeValue(attribute.value, to: &json)
            json.endObject()
        }
        json.endArray()
    }

    static func writeValue(_ value: AttributeValue, to json: inout JSONWriter) {
        json.beginObject()
        switch value {
        case .string(let string):
            json.key("stringValue")
            json.string(string)
        case .int(let integer):
            json.key("intValue")
            json.string(String(integer))
        case .double(let double):
            json.key("doubleValue")
            json.double(double)
        case .bool(let bool):
            json.key("boolValue")
            json.bool(bool)
        case .stringArray(let values): writeArray(values.map(AttributeValue.string), to: &json)
        case .intArray(let values): writeArray(values.map(AttributeValue.int), to: &json)
        case .doubleArray(let values): writeArray(values.map(AttributeValue.double), to: &json)
        case .boolArray(let values): writeArray(values.map(AttributeValue.bool), to: &json)
        }
        json.endObject()
    }

    static func writeArray(_ values: [AttributeValue], to json: inout JSONWriter) {
        json.key("arrayValue")
        json.beginObject()
        json.key("values")
        json.beginArray()
        for value in values { writeValue(value, to: &json) }
        json.endArray()
        json.endObject()
    }
}
