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
public struct TraceAttributes: Hashable, Sendable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    @usableFromInline
    var storage: [TraceAttribute]

    /// No attributes.
    @inlinable
    public init() { storage = [] }

    /// Attributes from key/value pairs; a repeated key keeps its last value.
    public init(_ pairs: some Sequence<(String, AttributeValue)>) {
        storage = []
        for (key, value) in pairs { self[key] = value }
    }

    @inlinable
    public init(dictionaryLiteral elements: (String, AttributeValue)...) {
        storage = []
        storage.reserveCapacity(elements.count)
        for (key, value) in elements {
            storage.append(TraceAttribute(key: key, value: value))
        }
    }

    @inlinable public var startIndex: Int { storage.startIndex }
    @inlinable public var endIndex: Int { storage.endIndex }
    @inlinable public subscript(position: Int) -> TraceAttribute { storage[position] }

    /// The value for `key`, or `nil`; setting `nil` removes the key, setting a value replaces it.
    public subscript(key: String) -> AttributeValue? {
        get {
            for attribute in storage where attribute.key == key { return attribute.value }
            return nil
        }
        set {
            if let index = storage.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    storage[index].value = newValue
                } else {
                    storage.remove(at: index)
                }
            } else if let newValue {
                storage.append(TraceAttribute(key: key, value: newValue))
            }
        }
    }

    /// Removes the attributes from `count` on, keeping the first `count`.
    mutating func removeSuffix(from count: Int) {
        storage.removeSubrange(count...)
    }

    /// Mutable access to the value at `position`, for limit enforcement.
    mutating func updateValue(at position: Int, _ update: (inout AttributeValue) -> Void) {
        update(&storage[position].value)
    }
}
