// SpanPlan: what spans of one name, kind and status feed, worked out once so each span costs one lookup.

import Synchronization
import TraceKit
import TraceMetrics

/// The part of a span that decides most of its derivation: rules mostly match on the name, labels such as
/// `span_name` and `status` come from it, so the analyzer works these out once per combination.
struct SpanPlanKey: ProbingKey, Sendable {
    var name: String
    var kind: SpanRecord.Kind
    var statusCode: UInt8

    init(_ span: SpanRecord) {
        name = span.name
        kind = span.kind
        switch span.status {
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

    func record(_ span: SpanRecord, exemplar: ExemplarSource, into observations: some DerivedObservations) {
        if let condition, !condition.matches(span) { return }
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

    func record(_ span: SpanRecord, exemplar: ExemplarSource, into observations: some DerivedObservations) {
        if let condition, !condition.matches(span) { return }
        switch series {
        case .counter(let counters):
            if let counter = counters.series(for: span) { observations.increment(counter) }
        case .histogram(let histograms):
            if let histogram = histograms.series(for: span) {
                observations.observe(histogram, nanoseconds: span.durationNanoseconds, exemplar: exemplar)
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

/// The attribute values that pick a series among those of one plan, without allocating for up to three.
struct AttributeValuesKey: Hashable, Sendable {
    var first: AttributeValue?
    var second: AttributeValue?
    var third: AttributeValue?
    var more: [AttributeValue?] = []

    init(_ span: SpanRecord, keys: [[String]]) {
        for (position, candidates) in keys.enumerated() {
            var found: AttributeValue?
            for key in candidates {
                if let value = span.attributes[key] {
                    found = value
                    break
                }
            }
            switch position {
            case 0: first = found
            case 1: second = found
            case 2: third = found
            default: more.append(found)
            }
        }
    }

    subscript(position: Int) -> AttributeValue? {
        switch position {
        case 0: return first
        case 1: return second
        case 2: return third
        default: return more[position - 3]
        }
    }
}

/// Counts the series handles cached across all plans, so the caches stay bounded by a budget rather than
/// growing with the number of distinct label values seen.
final class SeriesCacheBudget: Sendable {
    private let cached = Atomic<Int>(0)
    private let resets = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes one entry; `false` when the budget is spent (the caller then does not cache).
    func take() -> Bool {
        cached.wrappingAdd(1, ordering: .relaxed).newValue <= limit
    }

    var isSpent: Bool { cached.load(ordering: .relaxed) > limit }

    /// Starts a new budget; holders of plans from before should drop them (see `epoch`).
    func reset() {
        cached.store(0, ordering: .relaxed)
        resets.wrappingAdd(1, ordering: .relaxed)
    }

    /// How many times the budget was reset: a plan cache made in an older epoch is dropped.
    var epoch: Int { resets.load(ordering: .relaxed) }
}

/// The series of one family for the spans of one plan: fixed when no label comes from an attribute, else
/// looked up by the attribute values (cached within the budget).
final class LabelledSeries<Series: AnyObject & Sendable>: Sendable {
    private let labels: [PlannedLabel]
    private let attributeKeys: [[String]]
    private let fixed: Series?
    private let cache: Locked<[AttributeValuesKey: Series]>
    private let budget: SeriesCacheBudget
    /// Makes (or finds) the series from label values in `labels` order.
    private let make: @Sendable ([String]) -> Series?

    init(labels: [PlannedLabel], budget: SeriesCacheBudget, make: @escaping @Sendable ([String]) -> Series?) {
        self.labels = labels
        self.budget = budget
        self.make = make
        var attributeKeys: [[String]] = []
        var fixedValues: [String] = []
        for label in labels {
            switch label {
            case .fixed(let value): fixedValues.append(value)
            case .attribute(let keys, _): attributeKeys.append(keys)
            }
        }
        self.attributeKeys = attributeKeys
        self.fixed = attributeKeys.isEmpty ? make(fixedValues) : nil
        self.cache = Locked([:])
    }

    func series(for span: SpanRecord) -> Series? {
        if let fixed { return fixed }
        let key = AttributeValuesKey(span, keys: attributeKeys)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        var values: [String] = []
        values.reserveCapacity(labels.count)
        var attributePosition = 0
        for label in labels {
            switch label {
            case .fixed(let value):
                values.append(value)
            case .attribute(_, let fallback):
                values.append(key[attributePosition]?.description ?? fallback)
                attributePosition += 1
            }
        }
        guard let series = make(values) else { return nil }
        if budget.take() { cache.withLock { $0[key] = series } }
        return series
    }
}

/// What is left of a condition once a span's name, kind and status are known.
enum PartialMatch {
    case always
    case never
    case depends(SpanMatch)

    init(_ match: SpanMatch, key: SpanPlanKey) {
        switch match {
        case .any: self = .always
        case .spanName(let name): self = name == key.name ? .always : .never
        case .kind(let kind): self = kind == key.kind ? .always : .never
        case .isError: self = key.isError ? .always : .never
        case .hasAttribute, .attribute: self = .depends(match)
        case .all(let conditions):
            var left: [SpanMatch] = []
            for condition in conditions {
                switch PartialMatch(condition, key: key) {
                case .never:
                    self = .never
                    return
                case .always: continue
                case .depends(let rest): left.append(rest)
                }
            }
            self = left.isEmpty ? .always : .depends(left.count == 1 ? left[0] : .all(left))
        case .anyOf(let conditions):
            var left: [SpanMatch] = []
            for condition in conditions {
                switch PartialMatch(condition, key: key) {
                case .always:
                    self = .always
                    return
                case .never: continue
                case .depends(let rest): left.append(rest)
                }
            }
            self = left.isEmpty ? .never : .depends(left.count == 1 ? left[0] : .anyOf(left))
        }
    }
}
