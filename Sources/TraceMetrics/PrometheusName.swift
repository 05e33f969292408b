// PrometheusName: turns foreign names (swift-metrics labels, span attribute keys) into valid Prometheus names.

/// Rewrites names to Prometheus rules: metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`
/// not starting with `__`. What it returns always passes `MetricNameRules`, which the registry checks; the
/// swift-metrics bridge and the analyzer's dimension labels both name through it.
package enum PrometheusName {
    /// `http.server.request.duration` becomes `http_server_request_duration`; a leading digit gets a `_` before it.
    package static func metric(_ label: String) -> String {
        sanitize(label, allowColon: true)
    }

    /// `http.route` becomes `http_route`; a leading `__` (reserved by Prometheus) becomes `_`.
    package static func label(_ key: String) -> String {
        var name = sanitize(key, allowColon: false)
        while name.hasPrefix("__") { name.removeFirst() }
        return name
    }

    private static func sanitize(_ text: String, allowColon: Bool) -> String {
        var name = ""
        name.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 1)
        for scalar in text.unicodeScalars {
            let isValid =
                (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "_" || (allowColon && scalar == ":")
            name.unicodeScalars.append(isValid ? scalar : "_")
        }
        if let first = name.unicodeScalars.first, first >= "0" && first <= "9" { name = "_" + name }
        return name.isEmpty ? "_" : name
    }
}
