// SpanPlan: what spans of one name, kind and status feed, worked out once so each span costs one lookup.

import TraceKit
import TraceMetrics

/// The part of a span that decides most of its derivation: rules mostly match on the name, labels such as
/// `span_name` and `status` come from it, so the analyzer works these out once per combination.
struct SpanPlanKey: ProbingKey, Sendable {
    var name: String
    var kind: SpanRecord.Kind
    var statusCode: UInt8

    init(_ span: SpanRecord) {
        self.init(name: span.name, kind: span.kind, status: span.status)
    }

    init(name: String, kind: SpanRecord.Kind, status: SpanRecord.Status) {
        self.name = name
        self.kind = kind
        switch status {
        case .unset: statusCode = 0
        case .ok: statusCode = 1
        case .error: statusCode = 2
        }
    }

    var isError: Bool { statusCode == 2 }

    func probingHash(seed: UInt64) -> UInt64 {
        name.probingHash(seed: seed) ^ (UInt64(kind.rawValue) << 8 | UInt64(statusCode))
    }
}

/// What spans of one `SpanPlanKey` feed: the generic series and the rules their name, kind and status do not
/// already rule out, each with what is left of its condition.
final class SpanPlan: Sendable {
    let generic: LabelledSeries<GenericSpanMetrics.Handles>?
    let rules: [PlannedRule]

    init(generic: LabelledSeries<GenericSpanMetrics.Handles>?, rules: [PlannedRule]) {
        self.generic = generic
        self.rules = rules
    }
}

/// A rule for spans of one plan key: what is left of its condition (`nil`: always) and its families.
struct PlannedRule: Sendable {
    let condition: SpanMatch?
    let families: [PlannedFamily]

    /// This rule for spans that also have exactly `attributeKeys`: conditions on attribute presence decided,
    /// families that cannot apply dropped; nil when the rule cannot apply.
    func narrowed(to key: SpanPlanKey, attributeKeys: Set<String>) -> PlannedRule? {
        func narrow(_ condition: SpanMatch?) -> SpanMatch?? {
            guard let condition else { return .some(nil) }
            switch PartialMatch(condition, key: key, attributeKeys: attributeKeys) {
            case .never: return nil
            case .always: return .some(nil)
            case .depends(let rest): return .some(rest)
            }
        }
        guard let ruleCondition = narrow(condition) else { return nil }
        let kept = families.compactMap { family -> PlannedFamily? in
            guard let familyCondition = narrow(family.condition) else { return nil }
            return PlannedFamily(condition: familyCondition, series: family.series)
        }
        return kept.isEmpty ? nil : PlannedRule(condition: ruleCondition, families: kept)
    }

    func record(_ span: some SpanFields, exemplar: ExemplarSource, into observations: some DerivedObservations) {
        if let condition, !condition.matches(fields: span) { return }
        for family in families { family.record(span, exemplar: exemplar, into: observations) }
    }
}

/// A rule family for spans of one plan key: the condition left once name, kind and status are known (`nil`:
/// always), and its series by the attribute values its labels take.
struct PlannedFamily: Sendable {
    enum Series: Sendable {
        case counter(LabelledSeries<Counter>)
        case histogram(LabelledSeries<Histogram>)
    }

    let condition: SpanMatch?
    let series: Series

    func record(_ span: some SpanFields, exemplar: ExemplarSource, into observations: some DerivedObservations) {
        if let condition, !condition.matches(fields: span) { return }
        switch series {
        case .counter(let counters):
            if let counter = counters.series(for: span) { observations.increment(counter, by: span.samplingWeight) }
        case .histogram(let histograms):
            if let histogram = histograms.series(for: span) {
                observations.observe(
                    histogram, nanoseconds: span.durationNanoseconds, count: span.samplingWeight, exemplar: exemplar)
            }
        }
    }
}

/// Where one label's value comes from once the plan key is known.
enum PlannedLabel: Sendable {
    /// The same for every span of the plan (span name, outcome, kind, constants).
    case fixed(String)
    /// The first of these attributes the span has, as text; the fallback when it has none.
    case attribute([String], fallback: String)
}
