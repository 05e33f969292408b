// SpanAttributeConversion: swift-distributed-tracing attribute values and kinds as TraceKit's.

import TraceKit
import Tracing

extension AttributeValue {
    /// The TraceKit value of a swift-distributed-tracing attribute.
    init(_ attribute: SpanAttribute) {
        switch attribute {
        case .int32(let value): self = .int(Int64(value))
        case .int64(let value): self = .int(value)
        case .int32Array(let values): self = .intArray(values.map { Int64($0) })
        case .int64Array(let values): self = .intArray(values)
        case .double(let value): self = .double(value)
        case .doubleArray(let values): self = .doubleArray(values)
        case .bool(let value): self = .bool(value)
        case .boolArray(let values): self = .boolArray(values)
        case .string(let value): self = .string(value)
        case .stringArray(let values): self = .stringArray(values)
        case .stringConvertible(let value): self = .string(value.description)
        case .stringConvertibleArray(let values): self = .stringArray(values.map(\.description))
        default: self = .string(String(describing: attribute))
        }
    }
}

extension TraceAttributes {
    /// TraceKit attributes from swift-distributed-tracing's.
    init(_ attributes: SpanAttributes) {
        // The keys of `SpanAttributes` are distinct (it is a dictionary): adopt the pairs without a search per key.
        var pairs: [(String, AttributeValue)] = []
        pairs.reserveCapacity(attributes.count)
        attributes.forEach { key, value in pairs.append((key, AttributeValue(value))) }
        self.init(adoptingDistinctPairs: pairs)
    }
}

extension SpanRecord.Kind {
    /// The TraceKit kind of a swift-distributed-tracing span kind.
    init(_ kind: SpanKind) {
        switch kind {
        case .server: self = .server
        case .client: self = .client
        case .producer: self = .producer
        case .consumer: self = .consumer
        case .internal: self = .internal
        }
    }
}
