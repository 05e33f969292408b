// TraceAttributes: an ordered, small list of key/value attributes on a span, event or resource.

/// One attribute: a key and its typed value.
public struct TraceAttribute: Hashable, Sendable {
    public var key: String
    public var value: AttributeValue

    @inlinable
    public init(key: String, value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

/// The attributes of a span, event or resource, in the order they were set; keys are unique.
///
/// Spans carry a handful of attributes, so a flat array beats a hash table here: it is one allocation,
/// keeps insertion order (stable output), and a linear scan over a few keys is faster than hashing.
///
/// ```swift
/// var attributes: TraceAttributes = ["http.method": "GET"]
/// attributes["http.status_code"] = 200
/// ```
public struct TraceAttributes: Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// Unlabelled tuples, the very type of a dictionary literal's elements, so a literal is adopted without a copy.
    @usableFromInline
    var storage: [(String, AttributeValue)]

    /// No attributes.
    @inlinable
    public init() { storage = [] }

    /// Adopts `pairs` as they are, without looking for repeated keys: for decoders that already know the keys
    /// are distinct. One allocation at most (the array's own).
    package init(adoptingDistinctPairs pairs: [(String, AttributeValue)]) {
        storage = pairs
    }

    /// Attributes from key/value pairs; a repeated key keeps its last value, at the position it first had.
    ///
    /// Linear in the number of pairs (a hash index is built only when there are many).
    public init(_ pairs: some Sequence<(String, AttributeValue)>) {
        storage = Array(pairs)
        Self.keepLastOfRepeatedKeys(&storage)
    }

    /// Attributes from a literal; a repeated key keeps its last value, as everywhere else (OpenTelemetry's rule).
    @inlinable
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        storage = elements
        switch storage.count {
        case 0, 1: break
        case 2: if storage[0].0 == storage[1].0 { storage = [(storage[0].0, storage[1].1)] }
        default: Self.keepLastOfRepeatedKeys(&storage)
        }
    }

    /// Removes repeated keys: each key keeps its first position and its last value. A handful of pairs are
    /// compared pairwise (no allocation when nothing repeats); many go through a dictionary, so it stays linear.
    @usableFromInline
    static func keepLastOfRepeatedKeys(_ pairs: inout [(String, AttributeValue)]) {
        let count = pairs.count
        guard count > 1 else { return }
        if count <= 16 {
            var index = 1
            while index < pairs.count {
                if let first = pairs[..<index].firstIndex(where: { $0.0 == pairs[index].0 }) {
                    pairs[first].1 = pairs[index].1
                    pairs.remove(at: index)
                } else {
                    index += 1
                }
            }
            return
        }
        var position: [String: Int] = [:]
        position.reserveCapacity(count)
        var unique: [(String, AttributeValue)] = []
        unique.reserveCapacity(count)
        for (key, value) in pairs {
            if let known = position[key] {
                unique[known].1 = value
            } else {
                position[key] = unique.count
                unique.append((key, value))
            }
        }
        if unique.count != count { pairs = unique }
    }

    @inlinable public var startIndex: Int { storage.startIndex }
    @inlinable public var endIndex: Int { storage.endIndex }
    @inlinable public subscript(position: Int) -> TraceAttribute {
        TraceAttribute(key: storage[position].0, value: storage[position].1)
    }

    /// The value for `key`, or `nil`; setting `nil` removes the key, setting a value replaces it.
    public subscript(key: String) -> AttributeValue? {
        get {
            for (candidate, value) in storage where candidate == key { return value }
            return nil
        }
        set {
            if let index = storage.firstIndex(where: { $0.0 == key }) {
                if let newValue {
                    storage[index].1 = newValue
                } else {
                    storage.remove(at: index)
                }
            } else if let newValue {
                // Spans that set attributes one by one usually set a few: allocate once, not on every append.
                if storage.capacity == 0 { storage.reserveCapacity(4) }
                storage.append((key, newValue))
            }
        }
    }

    /// Removes the attributes from `count` on, keeping the first `count`.
    mutating func removeSuffix(from count: Int) {
        storage.removeSubrange(count...)
    }

    /// Mutable access to the value at `position`, for limit enforcement.
    mutating func updateValue(at position: Int, _ update: (inout AttributeValue) -> Void) {
        update(&storage[position].1)
    }

    /// Whether any value satisfies `predicate`, without copying the elements.
    func containsValue(where predicate: (AttributeValue) -> Bool) -> Bool {
        storage.contains { predicate($0.1) }
    }
}

extension TraceAttributes: Hashable {
    public static func == (lhs: TraceAttributes, rhs: TraceAttributes) -> Bool {
        lhs.storage.count == rhs.storage.count
            && zip(lhs.storage, rhs.storage).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.count)
        for (key, value) in storage {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}
