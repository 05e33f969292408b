// AttributeValuesKey: the attribute values that pick a series, without allocating for up to three.

import TraceKit

/// The attribute values that pick a series among those of one plan, without allocating for up to three.
struct AttributeValuesKey: Hashable, Sendable {
    var first: AttributeValue?
    var second: AttributeValue?
    var third: AttributeValue?
    var more: [AttributeValue?] = []

    init(_ span: some SpanFields, keys: [[String]]) {
        for (position, candidates) in keys.enumerated() {
            var found: AttributeValue?
            for key in candidates {
                if let value = span.attribute(key) {
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

    /// The values in `values` at `first` plus each slot (nil slots: no value), for a span of a batch whose shape
    /// gave the slots.
    @inline(__always)
    init(slots: [Int?], values: UnsafeBufferPointer<AttributeValue>, first: Int) {
        for (position, slot) in slots.enumerated() {
            let found = slot.map { values[first + $0] }
            switch position {
            case 0: self.first = found
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
