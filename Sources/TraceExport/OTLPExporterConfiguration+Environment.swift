// OTLPExporterConfiguration+Environment: the exporter settings from OTEL_EXPORTER_OTLP_* variables, code first.

import TraceKit

extension OTLPExporterConfiguration {
    /// Reads the `OTEL_EXPORTER_OTLP_*` variables; every argument given here wins over its variable.
    ///
    /// - endpoint: `endpoint`, else `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as it is, else
    ///   `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` appended to its path (for the HTTP protocols), else
    ///   `http://localhost:4318/v1/traces`.
    /// - protocol: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf`
    ///   (default), `http/json` or `grpc` (which ``OTLPHTTPTransport`` refuses).
    /// - headers: `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, else `OTEL_EXPORTER_OTLP_HEADERS`: `name=value,...`,
    ///   percent-decoded, names lowercased; `headers` given here are added on top, replacing same-named ones.
    /// - compression: `..._TRACES_COMPRESSION`, `..._COMPRESSION`: `gzip` or `none`.
    /// - timeout: `..._TRACES_TIMEOUT`, `..._TIMEOUT`: milliseconds; 0 means no limit.
    ///
    /// A signal-specific variable beats the general one; an empty variable counts as unset. A value that cannot be
    /// understood is ignored (the default is used) and reported to `onWarning`, as the specification asks.
    ///
    /// ```swift
    /// // OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 OTEL_EXPORTER_OTLP_HEADERS=api-key=secret
    /// let configuration = OTLPExporterConfiguration.fromEnvironment(compression: .gzip)
    /// // endpoint http://collector:4318/v1/traces, headers ["api-key": "secret"], gzip
    /// ```
    public static func fromEnvironment(
        _ environment: [String: String] = OTelEnvironment.current,
        endpoint: String? = nil,
        protocol: OTLPProtocol? = nil,
        headers: [String: String] = [:],
        compression: OTLPCompression? = nil,
        timeout: Duration? = nil,
        onWarning: (String) -> Void = OTelEnvironment.printWarning
    ) -> OTLPExporterConfiguration {
        func variable(_ suffix: String) -> (name: String, value: String)? {
            OTelEnvironment.firstValue(
                ["OTEL_EXPORTER_OTLP_TRACES_\(suffix)", "OTEL_EXPORTER_OTLP_\(suffix)"], in: environment)
        }
        var configuration = OTLPExporterConfiguration()

        if let `protocol` {
            configuration.protocol = `protocol`
        } else if let (name, value) = variable("PROTOCOL") {
            if let parsed = OTLPProtocol(rawValue: value.trimmingWhitespace().lowercased()) {
                configuration.protocol = parsed
            } else {
                onWarning("ignoring \(name)=\(value): use http/protobuf, http/json or grpc")
            }
        }

        if let endpoint {
            configuration.endpoint = endpoint
        } else if let specific = OTelEnvironment.firstValue(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], in: environment) {
            configuration.endpoint = specific.value.trimmingWhitespace()
        } else if let general = OTelEnvironment.firstValue(["OTEL_EXPORTER_OTLP_ENDPOINT"], in: environment) {
            configuration.endpoint = signalEndpoint(base: general.value, protocol: configuration.protocol)
        } else if configuration.protocol == .grpc {
            configuration.endpoint = defaultGRPCEndpoint
        }

        if let (name, value) = variable("HEADERS") {
            let list = OTelEnvironment.keyValueList(value, decodeKeys: true)
            for invalid in list.invalid { onWarning("ignoring '\(invalid)' in \(name): use name=value,...") }
            for (key, value) in list.pairs { configuration.headers[key.lowercased()] = value }
        }
        for (key, value) in headers { configuration.headers[key.lowercased()] = value }

        if let compression {
            configuration.compression = compression
        } else if let (name, value) = variable("COMPRESSION") {
            if let parsed = OTLPCompression(rawValue: value.trimmingWhitespace().lowercased()) {
                configuration.compression = parsed
            } else {
                onWarning("ignoring \(name)=\(value): use gzip or none")
            }
        }

        if let timeout {
            configuration.timeout = timeout
        } else if let (name, value) = variable("TIMEOUT") {
            if let milliseconds = Int64(value.trimmingWhitespace()), milliseconds >= 0 {
                configuration.timeout = .milliseconds(milliseconds)
            } else {
                onWarning("ignoring \(name)=\(value): give the timeout in milliseconds, such as 10000")
            }
        }
        return configuration
    }

    /// The traces URL for the general `OTEL_EXPORTER_OTLP_ENDPOINT`: `v1/traces` appended to its path for HTTP
    /// (without doubling a slash), the base as it is for gRPC.
    static func signalEndpoint(base: String, protocol: OTLPProtocol) -> String {
        let trimmed = base.trimmingWhitespace()
        guard `protocol` != .grpc else { return trimmed }
        return (trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed) + "/v1/traces"
    }
}
