// SpanJSONEncoder: one span as one line of JSON, for `tracekit replay --json` and other line-oriented tools.

import TraceKit

/// Encodes a span as a single-line JSON object with every field: ids as hex, times in Unix nanoseconds,
/// attributes as a JSON object with typed values.
///
/// ```swift
/// for span in spans { print(SpanJSONEncoder.line(span)) }
/// ```
public enum SpanJSONEncoder {
    /// The span as one line of JSON (no trailing newline).
    public static func line(_ span: SpanRecord) -> String {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.key("trace_id")
        json.string(span.traceID.description)
        json.key("span_id")
        json.string(span.spanID.description)
        json.key("parent_span_id")
        if let parent = span.parentSpanID { json.string(parent.description) } else { json.raw("null") }
        json.key("name")
        json.string(span.name)
        json.key("kind")
        json.string(ChromeTraceEncoder.categoryName(span.kind))
        json.key("status")
        switch span.status {
        case .unset: json.string("unset")
        case .ok: json.string("ok")
        case .error: json.string("error")
        }
        if case .error(let message) = span.status {
            json.key("status_message")
            json.string(message)
        }
        json.key("start_unix_nano")
        json.unsigned(span.startUnixNanoseconds)
        json.key("duration_nano")
        json.unsigned(span.durationNanoseconds)
        json.key("attributes")
        writeAttributes(span.attributes, to: &json)
        json.key("events")
        json.beginArray()
        for event in span.events {
            json.beginObject()
            json.key("name")
            json.string(event.name)
            json.key("time_unix_nano")
            json.unsigned(event.timeUnixNanoseconds)
            json.key("attributes")
            writeAttributes(event.attributes, to: &json)
            json.endObject()
        }
        json.endArray()
        if span.droppedAttributeCount | span.droppedEventCount | span.truncatedValueCount != 0 {
            json.key("dropped_attributes")
            json.unsigned(UInt64(span.droppedAttributeCount))
            json.key("dropped_events")
            json.unsigned(UInt64(span.droppedEventCount))
            json.key("truncated_values")
            json.unsigned(UInt64(span.truncatedValueCount))
        }
        if span.samplingThreshold != 0 {
            // Only for head-sampled spans: the threshold as OpenTelemetry writes it, and what it means.
            json.key("sampling_threshold")
            json.string(SamplingTraceState.digits(span.samplingThreshold))
            json.key("adjusted_count")
            json.double(span.adjustedCount)
        }
        json.endObject()
        return json.text
    }

    static func writeAttributes(_ attributes: TraceAttributes, to json: inout JSONWriter) {
        json.beginObject()
        for attribute in attributes {
            json.key(attribute.key)
            ChromeTraceEncoder.writeValue(attribute.value, to: &json)
        }
        json.endObject()
    }
}
