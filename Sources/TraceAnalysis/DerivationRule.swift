// DerivationRule: maps matching spans to named metric families (counters and duration histograms) with labels.

import TraceKit

/// Turns matching spans into metrics of your own naming, for example every `ui_generation` span into
/// `ai_ui_requests_total{action,status}` and `ai_ui_duration_seconds{action}`.
///
/// ```swift
/// let checkout = DerivationRule(
///     matching: .spanName("checkout"),
///     families: [
///         .counter("shop_checkouts_total", help: "Checkouts.", labels: [.init("status", from: .outcome)]),
///         .durationHistogram("shop_checkout_duration_seconds", help: "Checkout latency.", labels: []),
///     ])
/// ```
public struct DerivationRule: Sendable {
    /// Which spans the rule applies to.
    public var match: SpanMatch
    /// The families every matching span feeds.
    public var families: [DerivedFamily]

    /// Creates a rule.
    public init(matching match: SpanMatch, families: [DerivedFamily]) {
        self.match = match
        self.families = families
    }
}

/// A condition on a span.
public indirect enum SpanMatch: Sendable {
    /// Every span.
    case any
    /// Spans with this name.
    case spanName(String)
    /// Spans of this kind.
    case kind(SpanRecord.Kind)
    /// Spans that carry this attribute.
    case hasAttribute(String)
    /// Spans whose attribute equals the value.
    case attribute(String, equals: AttributeValue)
    /// Spans with error status.
    case isError
    /// All conditions hold.
    case all([SpanMatch])
    /// At least one condition holds.
    case anyOf([SpanMatch])

    /// Whether `span` satisfies the condition.
    public func matches(_ span: SpanRecord) -> Bool {
        matches(fields: span)
    }

    /// The attribute keys the condition looks at.
    var attributeKeys: Set<String> {
        switch self {
        case .any, .spanName, .kind, .isError: return []
        case .hasAttribute(let key), .attribute(let key, _): return [key]
        case .all(let conditions), .anyOf(let conditions):
            return conditions.reduce(into: []) { $0.formUnion($1.attributeKeys) }
        }
    }

    /// Whether a span (a record or a span of a batch) satisfies the condition.
    func matches(fields span: some SpanFields) -> Bool {
        switch self {
        case .any: return true
        case .spanName(let name): return span.name == name
        case .kind(let kind): return span.kind == kind
        case .hasAttribute(let key): return span.attribute(key) != nil
        case .attribute(let key, let value): return span.attribute(key) == value
        case .isError: return span.isError
        case .all(let conditions): return conditions.allSatisfy { $0.matches(fields: span) }
        case .anyOf(let conditions): return conditions.contains { $0.matches(fields: span) }
        }
    }
}

/// One metric family a rule feeds: a counter of matching spans or a histogram of their durations.
public struct DerivedFamily: Sendable {
    /// Counter (one per span) or duration histogram (seconds).
    public enum Kind: Sendable {
        case counter
        case durationHistogram(buckets: [Double])
    }

    /// The metric family name, as exposed (`_total` included for counters).
    public var name: String
    /// The HELP text.
    public var help: String
    /// Counter or histogram.
    public var kind: Kind
    /// The labels and where their values come from.
    public var labels: [DerivedLabel]
    /// An extra condition for this family only (for example: permission denied).
    public var condition: SpanMatch

    /// Creates a family description.
    public init(name: String, help: String, kind: Kind, labels: [DerivedLabel], when condition: SpanMatch = .any) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labels = labels
        self.condition = condition
    }

    /// A counter of matching spans.
    public static func counter(
        _ name: String, help: String, labels: [DerivedLabel], when condition: SpanMatch = .any
    ) -> DerivedFamily {
        DerivedFamily(name: name, help: help, kind: .counter, labels: labels, when: condition)
    }

    /// A histogram of matching spans' durations in seconds.
    public static func durationHistogram(
        _ name: String, help: String, labels: [DerivedLabel],
        buckets: [Double] = SpanAnalyzerConfiguration.defaultBuckets,
        when condition: SpanMatch = .any
    ) -> DerivedFamily {
        DerivedFamily(
            name: name, help: help, kind: .durationHistogram(buckets: buckets), labels: labels, when: condition)
    }
}

/// A label of a derived family and where its value comes from.
public struct DerivedLabel: Sendable {
    /// Where a label value comes from.
    public enum Source: Sendable {
        /// The first of these attributes the span has (as text), else the fallback.
        case attribute([String], fallback: String)
        /// The span name.
        case spanName
        /// `"success"` or `"error"`, from the span status (the seed's wording).
        case outcome
        /// A fixed value.
        case constant(String)
    }

    /// The label name.
    public var name: String
    /// Where the value comes from.
    public var source: Source

    /// Creates a label.
    public init(_ name: String, from source: Source) {
        self.name = name
        self.source = source
    }

    /// A label taken from an attribute (the first present of `keys`), `fallback` when none is.
    public static func attribute(_ name: String, _ keys: String..., fallback: String = "unknown") -> DerivedLabel {
        DerivedLabel(name, from: .attribute(keys, fallback: fallback))
    }
}
