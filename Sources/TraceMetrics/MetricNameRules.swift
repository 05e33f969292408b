// Prometheus naming rules for metric and label names, checked at registration.

enum MetricNameRules {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidMetricName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let ok =
                isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || (!first && isDigit(byte))
            if !ok { return false }
            first = false
        }
        return !first
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved for Prometheus itself).
    static func isValidLabelName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let ok = isLetter(byte) || byte == UInt8(ascii: "_") || (!first && isDigit(byte))
            if !ok { return false }
            first = false
        }
        return !first && !name.hasPrefix("__")
    }

    /// Validates, sorts and de-duplicates-checks label names for a family of the given type.
    static func checkedLabelNames(
        _ names: [String], metric: String, type: MetricType
    ) throws(MetricsRegistryError) -> [String] {
        var seen = Set<String>()
        for name in names {
            guard isValidLabelName(name) else { throw .invalidLabelName(metric: metric, label: name) }
            if (type == .histogram && name == "le") || (type == .summary && name == "quantile") {
                throw .invalidLabelName(metric: metric, label: name)
            }
            guard seen.insert(name).inserted else { throw .duplicateLabelName(metric: metric, label: name) }
        }
        return names.sorted()
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
