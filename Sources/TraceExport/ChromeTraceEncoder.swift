// ChromeTraceEncoder: spans as Chrome trace-event JSON (complete "X" events) that Perfetto and chrome://tracing load.

import TraceKit

/// Encodes spans as Chrome trace-event JSON: one complete event (`"ph":"X"`) per span, with microsecond `ts` and
/// `dur`, the process id as `pid`, and ids and attributes in `args`.
///
/// Trace viewers draw the events of one `tid` as a stack and nest them by time, so a span goes on a lane (`tid`)
/// only on top of one of its own ancestors, or on a free lane (`ChromeTraceLanes`): concurrent children
/// (`async let`, task groups) and concurrent traces get lanes of their own, and no span is ever drawn inside a
/// span of another trace.
///
/// ```swift
/// let json = ChromeTraceEncoder.json(resource: resource, spans: spans)   // open in ui.perfetto.dev
/// ```
public enum ChromeTraceEncoder {
    /// The trace-event JSON document for `spans`.
    public static func json(resource: Resource, spans: some Sequence<SpanRecord>) -> [UInt8] {
        let layout = ChromeTraceLanes(spans)
        let (ordered, lanes) = (layout.spans, layout.lanes)
        var json = JSONWriter(capacity: 256 * max(1, ordered.count))
        json.beginObject()
        json.key("displayTimeUnit")
        json.string("ms")
        json.key("traceEvents")
        json.beginArray()
        json.beginObject()
        json.key("name")
        json.string("process_name")
        json.key("ph")
        json.string("M")
        json.key("pid")
        json.integer(resource.processID)
        json.key("args")
        json.beginObject()
        json.key("name")
        json.string(resource.serviceName)
        json.endObject()
        json.endObject()
        for (span, lane) in zip(ordered, lanes) {
            json.beginObject()
            json.key("name")
            json.string(span.name)
            json.key("cat")
            json.string(categoryName(span.kind))
            json.key("ph")
            json.string("X")
            json.key("ts")
            json.raw(microseconds(span.startUnixNanoseconds))
            json.key("dur")
            json.raw(microseconds(span.durationNanoseconds))
            json.key("pid")
            json.integer(resource.processID)
            json.key("tid")
            json.integer(Int64(lane))
            json.key("args")
            json.beginObject()
            json.key("trace_id")
            json.string(span.traceID.description)
            json.key("span_id")
            json.string(span.spanID.description)
            if let parent = span.parentSpanID {
                json.key("parent_span_id")
                json.string(parent.description)
            }
            if span.status.isError, case .error(let message) = span.status {
                json.key("error")
                json.string(message)
            }
            for attribute in span.attributes {
                json.key(attribute.key)
                writeValue(attribute.value, to: &json)
            }
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    static func categoryName(_ kind: SpanRecord.Kind) -> String {
        switch kind {
        case .internal: return "internal"
        case .server: return "server"
        case .client: return "client"
        case .producer: return "producer"
        case .consumer: return "consumer"
        }
    }

    /// Nanoseconds as a decimal number of microseconds with three decimals, exact (no floating point).
    static func microseconds(_ nanoseconds: UInt64) -> String {
        let fraction = String(nanoseconds % 1000)
        return String(nanoseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    static func writeValue(_ value: AttributeValue, to json: inout JSONWriter) {
        switch value {
        case .string(let string): json.string(string)
        case .int(let integer): json.integer(integer)
        case .double(let double): json.double(double)
        case .bool(let bool): json.bool(bool)
        case .stringArray(let values):
            json.beginArray()
            for value in values { json.string(value) }
            json.endArray()
        case .intArray(let values):
            json.beginArray()
            for value in values { json.integer(value) }
            json.endArray()
        case .doubleArray(let values):
            json.beginArray()
            for value in values { json.double(value) }
            json.endArray()
        case .boolArray(let values):
            json.beginArray()
            for value in values { json.bool(value) }
            json.endArray()
        }
    }
}
