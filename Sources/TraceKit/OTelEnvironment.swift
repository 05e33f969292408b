// OTelEnvironment: reading the OpenTelemetry SDK environment variables (OTEL_*) the way the SDKs do.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process environment and the parsing rules the OpenTelemetry specification gives for `OTEL_*` variables.
///
/// `TraceConfiguration.fromEnvironment` and `OTLPExporterConfiguration.fromEnvironment` (TraceExport) read from
/// it. An empty value counts as unset; a value that cannot be understood is ignored with a warning (the
/// specification's rule), which goes to `onWarning`, by default ``printWarning(_:)``.
///
/// ```swift
/// let configuration = TraceConfiguration.fromEnvironment(OTelEnvironment.current, sinks: [writer])
/// ```
public enum OTelEnvironment {
    /// The variables of the running process.
    public static var current: [String: String] {
        var variables: [String: String] = [:]
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let current = entry, let pointer = current.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry = current + 1
        }
        return variables
    }

    /// Writes `TraceKit: <warning>` to standard error: the default for the `onWarning` parameters.
    public static func printWarning(_ warning: String) {
        let line = Array("TraceKit: \(warning)\n".utf8)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// The first of `names` that is set to a non-empty value, with that value.
    package static func firstValue(_ names: [String], in environment: [String: String]) -> (
        name: String, value: String
    )? {
        for name in names {
            if let value = environment[name], !value.trimmingWhitespace().isEmpty { return (name, value) }
        }
        return nil
    }

    /// Splits `key1=value1,key2=value2` (the W3C Baggage form `OTEL_RESOURCE_ATTRIBUTES` and
    /// `OTEL_EXPORTER_OTLP_HEADERS` use): keys and values trimmed, values percent-decoded, and keys too when
    /// `decodeKeys`. Items without `=` or with an empty key are returned in `invalid`.
    package static func keyValueList(_ text: String, decodeKeys: Bool) -> (
        pairs: [(key: String, value: String)], invalid: [String]
    ) {
        var pairs: [(key: String, value: String)] = []
        var invalid: [String] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                invalid.append(trimmed)
                continue
            }
            let rawKey = trimmed[..<equals].trimmingWhitespace()
            let key = decodeKeys ? percentDecoded(rawKey) : rawKey
            guard !key.isEmpty else {
                invalid.append(trimmed)
                continue
            }
            pairs.append((key, percentDecoded(trimmed[trimmed.index(after: equals)...].trimmingWhitespace())))
        }
        return (pairs, invalid)
    }

    /// `%XX` sequences replaced by the bytes they stand for, read as UTF-8 (invalid sequences become U+FFFD);
    /// a `%` not followed by two hex digits stays as it is.
    package static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        let utf8 = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks.
    package func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
