// LabelledSeries: the series of one family for the spans of one plan, by attribute values.

import TraceKit
import TraceSync

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

    func series(for span: some SpanFields) -> Series? {
        if let fixed { return fixed }
        return series(for: AttributeValuesKey(span, keys: attributeKeys))
    }

    /// Where the spans of `shape` keep the value of each attribute label: the slot of the first of its keys the
    /// shape has, nil when it has none (the label then takes its fallback).
    func slots(in shape: SpanBatch.Shape) -> [Int?] {
        attributeKeys.map { candidates in candidates.lazy.compactMap(shape.slot(of:)).first }
    }

    /// The series whose attribute labels take the values in `key` (nil: the fallback).
    func series(for key: AttributeValuesKey) -> Series? {
        if let fixed { return fixed }
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
