// The identity of a series: its label values compared as UTF-8 bytes, as Prometheus compares them.

import TraceSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Label values in the family's sorted label-name order, equal and ordered by their exact UTF-8 bytes.
///
/// Swift's `String ==` treats canonically equivalent text ("é" and "e\u{301}") as equal; Prometheus, the
/// parsers and the exposition formats do not, so two such values must be two series.
struct LabelValuesKey: Hashable, Sendable {
    let values: [String]

    static func == (lhs: LabelValuesKey, rhs: LabelValuesKey) -> Bool {
        guard lhs.values.count == rhs.values.count else { return false }
        for index in lhs.values.indices where !sameBytes(lhs.values[index], rhs.values[index]) {
            return false
        }
        return true
    }

    /// Byte equality over contiguous UTF-8 (native strings need no copy); much faster than iterating `utf8`.
    @inline(__always)
    static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        let compared: Bool? =
            lhs.utf8.withContiguousStorageIfAvailable { left in
                rhs.utf8.withContiguousStorageIfAvailable { right in
                    guard left.count == right.count else { return false }
                    if left.count <= 32 {  // typical label values: a loop beats a call to memcmp
                        for index in 0..<left.count where left[index] != right[index] { return false }
                        return true
                    }
                    guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
                    return memcmp(leftBase, rightBase, left.count) == 0
                }
            } ?? nil
        return compared ?? lhs.utf8.elementsEqual(rhs.utf8)
    }

    func hash(into hasher: inout Hasher) {
        for value in values {
            var value = value
            value.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(UInt8(0xFF))  // never occurs in UTF-8, so ["ab", "c"] and ["a", "bc"] differ
        }
    }

    /// Mixes a value's UTF-8 bytes and length into `hash` (`StringHash`, shared with the other tables).
    @inline(__always)
    static func mix(_ value: String, into hash: UInt64) -> UInt64 {
        StringHash.mix(value, into: hash)
    }

    /// Whether two lists of values are equal byte for byte.
    @inline(__always)
    static func bytesEqual(_ lhs: [String], _ rhs: UnsafeBufferPointer<String>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in 0..<lhs.count where !sameBytes(lhs[index], rhs[index]) {
            return false
        }
        return true
    }

    /// Byte-wise lexicographic order, value by value.
    func precedes(_ other: LabelValuesKey) -> Bool {
        for (left, right) in zip(values, other.values) {
            if Self.sameBytes(left, right) { continue }
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
        return values.count < other.values.count
    }
}
