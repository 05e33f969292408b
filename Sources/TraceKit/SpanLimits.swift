// SpanLimits: bounds on what one span may carry, so one bad call site cannot blow up memory or the log.

/// Bounds on attributes and events per span. What goes over is dropped or truncated and counted
/// (per span in `SpanRecord`, per recorder in `TraceRecorder.statistics`), never silently.
///
/// ```swift
/// TraceConfiguration(service: "api", limits: SpanLimits(maxAttributeCount: 32, maxAttributeValueLength: 256))
/// ```
public struct SpanLimits: Hashable, Sendable {
    /// Attributes kept per span (and per event); later ones are dropped.
    public var maxAttributeCount: Int
    /// UTF-8 bytes kept per string value (each element of a string array too), and elements kept per array.
    public var maxAttributeValueLength: Int
    /// Events kept per span; later ones are dropped.
    public var maxEventCount: Int

    /// Creates limits; the defaults follow OpenTelemetry's (128 attributes, 128 events) with values capped at 4 KiB.
    public init(maxAttributeCount: Int = 128, maxAttributeValueLength: Int = 4096, maxEventCount: Int = 128) {
        self.maxAttributeCount = max(0, maxAttributeCount)
        self.maxAttributeValueLength = max(0, maxAttributeValueLength)
        self.maxEventCount = max(0, maxEventCount)
    }

    /// Applies the limits to a finished span's attributes and its events' attributes, counting what they remove.
    @usableFromInline
    func enforce(on record: inout SpanRecord) {
        if record.events.count > maxEventCount {
            record.droppedEventCount &+= UInt32(clamping: record.events.count - maxEventCount)
            record.events.removeSubrange(maxEventCount...)
        }
        let (dropped, truncated) = enforce(on: &record.attributes)
        record.droppedAttributeCount &+= dropped
        record.truncatedValueCount &+= truncated
        for index in record.events.indices where !record.events[index].attributes.isEmpty {
            let counts = enforce(on: &record.events[index].attributes)
            record.droppedAttributeCount &+= counts.dropped
            record.truncatedValueCount &+= counts.truncated
        }
    }

    /// Applies the limits to `attributes`; returns (dropped, truncated) counts.
    @usableFromInline
    func enforce(on attributes: inout TraceAttributes) -> (dropped: UInt32, truncated: UInt32) {
        // The common case changes nothing: check without taking a mutable (copy-on-write) path.
        guard attributes.count > maxAttributeCount || attributes.containsValue(where: exceeds) else { return (0, 0) }
        var dropped: UInt32 = 0
        if attributes.count > maxAttributeCount {
            dropped = UInt32(clamping: attributes.count - maxAttributeCount)
            attributes.removeSuffix(from: maxAttributeCount)
        }
        var truncated: UInt32 = 0
        for index in attributes.indices where exceeds(attributes[index].value) {
            attributes.updateValue(at: index) { value in value = truncate(value) }
            truncated += 1
        }
        return (dropped, truncated)
    }

    func exceeds(_ value: AttributeValue) -> Bool {
        switch value {
        case .string(let string): return string.utf8.count > maxAttributeValueLength
        case .stringArray(let strings):
            return strings.count > maxAttributeValueLength
                || strings.contains { $0.utf8.count > maxAttributeValueLength }
        case .intArray(let values): return values.count > maxAttributeValueLength
        case .doubleArray(let values): return values.count > maxAttributeValueLength
        case .boolArray(let values): return values.count > maxAttributeValueLength
        case .int, .double, .bool: return false
        }
    }

    func truncate(_ value: AttributeValue) -> AttributeValue {
        switch value {
        case .string(let string): return .string(truncate(string))
        case .stringArray(let strings): return .stringArray(strings.prefix(maxAttributeValueLength).map(truncate))
        case .intArray(let values): return .intArray(Array(values.prefix(maxAttributeValueLength)))
        case .doubleArray(let values): return .doubleArray(Array(values.prefix(maxAttributeValueLength)))
        case .boolArray(let values): return .boolArray(Array(values.prefix(maxAttributeValueLength)))
        case .int, .double, .bool: return value
        }
    }

    /// Cuts a string to at most `maxAttributeValueLength` UTF-8 bytes without splitting a Unicode scalar.
    func truncate(_ string: String) -> String {
        let utf8 = string.utf8
        guard utf8.count > maxAttributeValueLength else { return string }
        var end = utf8.index(utf8.startIndex, offsetBy: maxAttributeValueLength)
        // Back up over UTF-8 continuation bytes (10xxxxxx) to the start of a scalar.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }
}
