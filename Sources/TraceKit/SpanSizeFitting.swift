// SpanSizeFitting: shortens and trims a span whose estimated size is over SpanLimits.maxSpanBytes.

extension SpanLimits {
    /// Makes `record` fit `maxSpanBytes`: events and then attributes are dropped from the end only while what
    /// cannot be shortened is over the limit; then every string value longer than a common length is cut to it,
    /// the longest length that fits (so the largest values lose most and short ones keep everything).
    func fitSize(of record: inout SpanRecord) {
        let stringBytes = Self.valueStringBytes(of: record)
        var fixed = Self.encodedSizeEstimate(of: record) - stringBytes.reduce(0, +)
        var eventFixed = record.events.map { event in
            SizeEstimate.event + event.name.utf8.count + Self.estimate(event.attributes)
                - Self.valueStringBytes(of: event.attributes).reduce(0, +)
        }
        while fixed > maxSpanBytes, let last = eventFixed.popLast() {
            record.events.removeLast()
            record.droppedEventCount &+= 1
            fixed -= last
        }
        while fixed > maxSpanBytes, !record.attributes.isEmpty {
            let (key, value) = record.attributes.storage[record.attributes.count - 1]
            fixed -= SizeEstimate.attribute + key.utf8.count + Self.estimate(value) - Self.valueStringBytes(of: value)
            record.attributes.removeSuffix(from: record.attributes.count - 1)
            record.droppedAttributeCount &+= 1
        }
        let cap = Self.commonLength(Self.valueStringBytes(of: record), budget: max(0, maxSpanBytes - fixed))
        var shortened: UInt32 = 0
        let shorten = { (string: String) -> String in
            guard string.utf8.count > cap else { return string }
            shortened &+= 1
            return self.truncate(string, to: cap)
        }
        if case .error(let message) = record.status { record.status = .error(message: shorten(message)) }
        Self.rewriteStrings(of: &record.attributes, shorten)
        for index in record.events.indices { Self.rewriteStrings(of: &record.events[index].attributes, shorten) }
        record.truncatedValueCount &+= shortened
    }

    /// The largest length `c` with `sum(min(length, c)) <= budget`; `Int.max` when everything fits.
    static func commonLength(_ lengths: [Int], budget: Int) -> Int {
        guard lengths.reduce(0, +) > budget else { return Int.max }
        var remaining = budget
        let sorted = lengths.sorted()
        for (index, length) in sorted.enumerated() {
            let left = sorted.count - index
            if length * left > remaining { return remaining / left }
            remaining -= length
        }
        return Int.max
    }

    /// The UTF-8 lengths of the strings `fitSize` may shorten: the status message and every string value (also
    /// array elements), of the span and its events.
    static func valueStringBytes(of record: SpanRecord) -> [Int] {
        var lengths: [Int] = []
        if case .error(let message) = record.status { lengths.append(message.utf8.count) }
        lengths += valueStringBytes(of: record.attributes)
        for event in record.events { lengths += valueStringBytes(of: event.attributes) }
        return lengths
    }

    static func valueStringBytes(of attributes: TraceAttributes) -> [Int] {
        var lengths: [Int] = []
        for (_, value) in attributes.storage {
            switch value {
            case .string(let string): lengths.append(string.utf8.count)
            case .stringArray(let strings): lengths += strings.map(\.utf8.count)
            default: break
            }
        }
        return lengths
    }

    static func valueStringBytes(of value: AttributeValue) -> Int {
        switch value {
        case .string(let string): return string.utf8.count
        case .stringArray(let strings): return strings.reduce(0) { $0 + $1.utf8.count }
        default: return 0
        }
    }

    static func rewriteStrings(of attributes: inout TraceAttributes, _ shorten: (String) -> String) {
        for index in attributes.indices {
            switch attributes.storage[index].1 {
            case .string(let string):
                let new = shorten(string)
                if new.utf8.count != string.utf8.count { attributes.storage[index].1 = .string(new) }
            case .stringArray(let strings):
                let new = strings.map(shorten)
                if zip(new, strings).contains(where: { $0.utf8.count != $1.utf8.count }) {
                    attributes.storage[index].1 = .stringArray(new)
                }
            default: break
            }
        }
    }
}
