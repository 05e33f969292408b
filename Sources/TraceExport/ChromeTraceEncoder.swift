// ChromeTraceEncoder: spans as Chrome trace-event JSON (complete "X" events) that Perfetto and chrome://tracing load.

import TraceKit

/// Encodes spans as Chrome trace-event JSON: one complete event (`"ph":"X"`) per span, with microsecond `ts` and
/// `dur`, the process id as `pid`, and ids and attributes in `args`.
///
/// Trace viewers draw the events of one `tid` as a stack, so they must nest. Spans are placed on lanes (`tid`s):
/// each goes on the first lane whose open span contains it, so concurrent children (`async let`, task groups)
/// get lanes of their own instead of overlapping.
///
/// ```swift
/// let json = ChromeTraceEncoder.json(resource: resource, spans: spans)   // open in ui.perfetto.dev
/// ```
public enum ChromeTraceEncoder {
    /// The trace-event JSON document for `spans`.
    public static func json(resource: Resource, spans: some Sequence<SpanRecord>) -> [UInt8] {
        let ordered = spans.sorted {
            ($0.startUnixNanoseconds, UInt64.max - $0.durationNanoseconds)
                < ($1.startUnixNanoseconds, UInt64.max - $1.durationNanoseconds)
        }
        let lanes = assignLanes(ordered)
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

    /// Lane (tid) per span, for spans sorted by start (longest first on ties), so each lane is properly nested.
    static func assignLanes(_ spans: [SpanRecord]) -> [Int] {
        var openEnds: [[UInt64]] = []  // per lane: end times of the spans still open, innermost last
        var lanes: [Int] = []
        lanes.reserveCapacity(spans.count)
        for span in spans {
            let start = span.startUnixNanoseconds
            let end = span.endUnixNanoseconds
            var chosen: Int?
            for lane in openEnds.indices {
                while let last = openEnds[lane].last, last <= start { openEnds[lane].removeLast() }
                if let last = openEnds[lane].last, last < end { continue }
                chosen = lane
                break
            }
            let lane = chosen ?? openEnds.count
            if lane == openEnds.count { openEnds.append([]) }
            openEnds[lane].append(end)
            lanes.append(lane + 1)
        }
        return lanes
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
