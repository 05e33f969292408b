// SpanLine: one span as a line of text for `tracekit replay`: time, ids, name, kind, duration, status, attributes.

import TraceKit

enum SpanLine {
    /// For example `1732950000.123456789 4bf9...-00f0... parent 00f1... GET /api/apps server 12.345ms ok
    /// http.route=/api/apps`.
    static func text(_ span: SpanRecord) -> String {
        let seconds = span.startUnixNanoseconds / 1_000_000_000
        let fraction = String(span.startUnixNanoseconds % 1_000_000_000)
        var line = "\(seconds).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
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
