// AttributeValue: the typed value of a span or event attribute (OpenTelemetry's attribute types).

/// A typed attribute value: string, 64-bit integer, double, bool, or a homogeneous array of these.
///
/// Literals convert directly, so attributes read naturally:
/// ```swift
/// traceOperation("ui_generation", ["message": "hello", "tokens": 42, "cached": false]) { ... }
/// ```
public enum AttributeValue: Hashable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case stringArray([String])
    case intArray([Int64])
    case doubleArray([Double])
    case boolArray([Bool])

    /// An integer attribute from a platform `Int`.
    @inlinable
    public static func integer(_ value: Int) -> AttributeValue { .int(Int64(value)) }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    @inlinable
    public init(stringLiteral value: String) { self = .string(value) }
}

extension AttributeValue: ExpressibleByIntegerLiteral {
    @inlinable
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension AttributeValue: ExpressibleByFloatLiteral {
    @inlinable
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension AttributeValue: ExpressibleByBooleanLiteral {
    @inlinable
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AttributeValue: CustomStringConvertible {
    /// The value as text: strings as they are, arrays as `[a, b]`.
    public var description: String {
        switch self {
        case .string(let value): return value
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .bool(let value): return String(value)
        case .stringArray(let values): return "[" + values.joined(separator: ", ") + "]"
        case .intArray(let values): return "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .doubleArray(let values): return "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .boolArray(let values): return "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        }
    }
}
