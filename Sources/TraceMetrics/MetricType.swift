// The kinds of metric a registry holds, named as the exposition formats name them.

/// The type of a metric family, as written on its `# TYPE` line.
///
/// ```swift
/// let kind: MetricType = .histogram
/// print(kind)  // histogram
/// ```
public enum MetricType: String, Sendable, Equatable, CustomStringConvertible {
    case counter
    case gauge
    case histogram
    case summary

    public var description: String { rawValue }
}
