// The identity of a series: its label values compared as UTF-8 bytes, as Prometheus compares them.

/// Label values in the family's sorted label-name order, equal and ordered by their exact UTF-8 bytes.
///
/// Swift's `String ==` treats canonically equivalent text ("é" and "e\u{301}") as equal; Prometheus, the
/// parsers and the exposition formats do not, so two such values must be two series.
struct LabelValuesKey: Hashable, Sendable {
    let values: [String]

    static func == (lhs: LabelValuesKey, rhs: LabelValuesKey) -> Bool {
        guard lhs.values.count == rhs.values.count else { return false }
        for index in lhs.values.indices where !lhs.values[index].utf8.elementsEqual(rhs.values[index].utf8) {
            return false
        }
        return true
    }

    func hash(into hasher: inout Hasher) {
        for value in values {
            let hashed: Void? = value.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if hashed == nil {
                for byte in value.utf8 { hasher.combine(byte) }
            }
            hasher.combine(UInt8(0xFF))  // never occurs in UTF-8, so ["ab", "c"] and ["a", "bc"] differ
        }
    }

    /// Byte-wise lexicographic order, value by value.
    func precedes(_ other: LabelValuesKey) -> Bool {
        for (left, right) in zip(values, other.values) {
            if left.utf8.elementsEqual(right.utf8) { continue }
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
        return values.count < other.values.count
    }
}
