// ChromeTrace: the same spans as Chrome trace-event JSON ("X" events, ids and attributes in args), the size peer.

import TraceKit

enum ChromeTrace {
    static func escaped(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default:
                if scalar.value < 0x20 {
                    result +=
                        "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    static func json(_ value: AttributeValue) -> String {
        switch value {
        case .string(let string): return escaped(string)
        case .int(let int): return String(int)
        case .double(let double): return String(double)
        case .bool(let bool): return String(bool)
        case .stringArray(let values): return "[" + values.map(escaped).joined(separator: ",") + "]"
        case .intArray(let values): return "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .doubleArray(let values): return "[" + values.map { String($0) }.joined(separator: ",") + "]"
        case .boolArray(let values): return "[" + values.map { String($0) }.joined(separator: ",") + "]"
        }
    }

    /// Microseconds with three decimals: nanosecond precision, as the log keeps.
    static func micros(_ nanoseconds: UInt64) -> String {
        let fraction = String(nanoseconds % 1000)
        return String(nanoseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// `{"traceEvents":[...]}` with one complete ("X") event per span.
    static func document(_ spans: [SpanRecord]) -> [UInt8] {
        var out = "{\"traceEvents\":[\n"
        for (index, span) in spans.enumerated() {
            var args = "\"trace_id\":\"\(span.traceID)\",\"span_id\":\"\(span.spanID)\""
            if let parent = span.parentSpanID { args += ",\"parent_id\":\"\(parent)\"" }
            if span.kind != .internal { args += ",\"kind\":\(span.kind.rawValue)" }
            switch span.status {
            case .unset: break
            case .ok: args += ",\"status\":\"ok\""
            case .error(let message): args += ",\"status\":\"error\",\"status_message\":\(escaped(message))"
            }
            for attribute in span.attributes { args += "," + escaped(attribute.key) + ":" + json(attribute.value) }
            out += "{\"name\":\(escaped(span.name)),\"ph\":\"X\",\"ts\":\(micros(span.startUnixNanoseconds)),"
            out += "\"dur\":\(micros(span.durationNanoseconds)),\"pid\":1,\"tid\":1,\"args\":{\(args)}}"
            out += index + 1 < spans.count ? ",\n" : "\n"
        }
        out += "]}\n"
        return Array(out.utf8)
    }
}
