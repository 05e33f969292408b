// An exemplar: labels (such as a trace id and span id) that tie one observation to the span that made it.

/// Labels attached to one histogram observation so the bucket leads back to a concrete trace.
///
/// Exemplars appear only in OpenMetrics output, after the bucket the observation fell into:
/// `..._bucket{le="0.5"} 7 # {span_id="00f067aa0ba902b7",trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.42`.
///
/// ```swift
/// let exemplar = try Exemplar(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7")
/// histogram.observe(0.42, exemplar: exemplar)
/// ```
public struct Exemplar: Sendable, Equatable {
    /// Label names in sorted order.
    public let labelNames: [String]
    /// Label values, in the order of ``labelNames``.
    public let labelValues: [String]
    /// Unix time in seconds when the observation was made, if known.
    public let timestamp: Double?
    /// `name="value",...` escaped, ready to write.
    let renderedLabels: [UInt8]

    /// Creates an exemplar from labels; OpenMetrics allows at most 128 UTF-8 characters of names and values.
    ///
    /// ```swift
    /// let exemplar = try Exemplar(labels: ["trace_id": traceID, "span_id": spanID], timestamp: 1_700_000_000.25)
    /// ```
    public init(labels: [String: String], timestamp: Double? = nil) throws(MetricsRegistryError) {
        for name in labels.keys where !MetricNameRules.isValidLabelName(name) {
            throw .invalidExemplar(reason: "label name '\(name)' is not a valid label name")
        }
        let names = labels.keys.sorted()
        try self.init(sortedNames: names, values: names.map { labels[$0] ?? "" }, timestamp: timestamp)
    }

    /// Creates an exemplar with the `trace_id` and `span_id` labels that tracing backends look for.
    /// Builds no dictionary, so it is cheap enough to make for every observation.
    ///
    /// ```swift
    /// let exemplar = try Exemplar(traceID: "4bf92f3577b34da6a3ce929d0e0e4736", spanID: "00f067aa0ba902b7")
    /// ```
    public init(traceID: String, spanID: String, timestamp: Double? = nil) throws(MetricsRegistryError) {
        try self.init(sortedNames: ["span_id", "trace_id"], values: [spanID, traceID], timestamp: timestamp)
    }

    /// Checks the OpenMetrics limits and renders `name="value",...` once.
    private init(sortedNames: [String], values: [String], timestamp: Double?) throws(MetricsRegistryError) {
        var characters = 0
        for (name, value) in zip(sortedNames, values) {
            characters += name.unicodeScalars.count + value.unicodeScalars.count
        }
        guard characters <= 128 else {
            throw .invalidExemplar(reason: "labels hold \(characters) characters; OpenMetrics allows 128")
        }
        if let timestamp, !timestamp.isFinite {
            throw .invalidExemplar(reason: "timestamp must be finite")
        }
        labelNames = sortedNames
        labelValues = values
        self.timestamp = timestamp
        var buffer = ExpositionBuffer(reservingCapacity: 32 + characters)
        for (index, name) in sortedNames.enumerated() {
            if index > 0 { buffer.append(byte: UInt8(ascii: ",")) }
            buffer.append(string: name)
            buffer.append("=\"")
            buffer.append(escapedLabelValue: values[index])
            buffer.append(byte: UInt8(ascii: "\""))
        }
        renderedLabels = buffer.bytes
    }
}

/// An exemplar together with the observed value it belongs to.
public struct RecordedExemplar: Sendable, Equatable {
    /// The exemplar's labels and timestamp.
    public let exemplar: Exemplar
    /// The observed value.
    public let value: Double
}
