// SpanLine: one span as a line of text for `tracekit replay`: time, ids, name, kind, duration, status, attributes.

import TraceAnalysis
import TraceKit

enum SpanLine {
    /// For example `2024-11-30T07:00:00.123456789Z  trace 4bf9...  span 00f0...  parent 00f1...  12.345ms  server  ok
    /// GET /api/apps  http.route=/api/apps`: the start time in UTC (RFC 3339, nanoseconds; `--json` has it as
    /// `start_unix_nano`).
    static func text(_ span: SpanRecord) -> String {
        var line = UTCTimestamp.rfc3339(unixNanoseconds: span.startUnixNanoseconds)
        line += "  trace \(span.traceID)  span \(span.spanID)"
        line += "  parent " + (span.parentSpanID.map { "\($0)" } ?? "-               ")
        line += "  \(DurationText.format(nanoseconds: span.durationNanoseconds))"
        line += "  \(span.kind)"
        switch span.status {
        case .unset: break
        case .ok: line += "  ok"
        case .error(let message): line += "  error(\(message))"
        }
        line += "  \(quotedIfNeeded(span.name))"
        for attribute in span.attributes {
            line += "  \(attribute.key)=\(quotedIfNeeded(attribute.value.description))"
        }
        return line
    }

    /// `text` as is when it is plain, else in double quotes with `"`, `\` and control characters escaped.
    static func quotedIfNeeded(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "\\" }
        if plain { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}
