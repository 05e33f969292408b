// SpanLimits: bounds on what one span may carry, so one bad call site cannot blow up memory or the log.

/// Bounds on a span's names, attributes and events, and on its size as a whole. What goes over is shortened or
/// dropped and counted (per span in `SpanRecord`, per recorder in `TraceRecorder.statistics`), never silently,
/// and a span is never dropped whole for being large.
///
/// The per-field limits follow OpenTelemetry's (128 attributes, 128 events) and add the ones it leaves open
/// (names, keys, array lengths). `maxSpanBytes` bounds the whole span's ``encodedSizeEstimate(of:)``, so every
/// span the limits admit fits in one block of the trace log: when a span is over it, the longest string values
/// are shortened first (all to one common length), then events and then attributes are dropped from the end.
///
/// ```swift
/// TraceConfiguration(service: "api", limits: SpanLimits(maxAttributeCount: 32, maxAttributeValueLength: 256))
/// ```
public struct SpanLimits: Hashable, Sendable {
    /// Attributes kept per span (and per event); later ones are dropped.
    public var maxAttributeCount: Int
    /// UTF-8 bytes kept per string value (each element of a string array too) and per status message.
    public var maxAttributeValueLength: Int { didSet { updateDerived() } }
    /// Elements kept per array value.
    public var maxAttributeArrayLength: Int
    /// UTF-8 bytes kept per attribute key.
    public var maxAttributeKeyLength: Int { didSet { updateDerived() } }
    /// UTF-8 bytes kept per span name and event name.
    public var maxNameLength: Int { didSet { updateDerived() } }
    /// Events kept per span; later ones are dropped.
    public var maxEventCount: Int
    /// The largest ``encodedSizeEstimate(of:)`` a span may have; at most ``largestSpanBytes`` (a larger value
    /// counts as that).
    public var maxSpanBytes: Int { didSet { updateDerived() } }

    /// The most `maxSpanBytes` can be: a span of this estimated size still fits in one trace log block (64 KiB
    /// uncompressed, less the block's own header), whatever its shape. A test checks the log writer's bound.
    public static let largestSpanBytes = 60 * 1024

    /// Creates limits. The defaults: 128 attributes and 128 events (OpenTelemetry's), string values and status
    /// messages of 4 KiB, arrays of 128 elements, keys of 256 bytes, names of 1 KiB, and 32 KiB per span.
    public init(
        maxAttributeCount: Int = 128,
        maxAttributeValueLength: Int = 4096,
        maxEventCount: Int = 128,
        maxAttributeArrayLength: Int = 128,
        maxAttributeKeyLength: Int = 256,
        maxNameLength: Int = 1024,
        maxSpanBytes: Int = 32 * 1024
    ) {
        self.maxAttributeCount = max(0, maxAttributeCount)
        self.maxAttributeValueLength = max(0, maxAttributeValueLength)
        self.maxEventCount = max(0, maxEventCount)
        self.maxAttributeArrayLength = max(0, maxAttributeArrayLength)
        self.maxAttributeKeyLength = max(1, maxAttributeKeyLength)
        self.maxNameLength = max(1, maxNameLength)
        self.maxSpanBytes = maxSpanBytes
        self.attributesWithinSize = 0
        updateDerived()
    }

    /// Clamps the size budget and works out `attributesWithinSize`: how many string or scalar attributes within
    /// the per-field limits cannot reach `maxSpanBytes`, with the longest name and message (up to that many, the
    /// fast check need not add sizes up).
    private mutating func updateDerived() {
        let budget = min(max(0, maxSpanBytes), Self.largestSpanBytes)
        if budget != maxSpanBytes { maxSpanBytes = budget }  // didSet runs again, with nothing left to clamp
        let fixedPart = SizeEstimate.span + max(1, maxNameLength) + max(0, maxAttributeValueLength)
        let perAttribute = SizeEstimate.attribute + max(1, maxAttributeKeyLength) + max(0, maxAttributeValueLength)
        attributesWithinSize = max(0, budget - fixedPart) / perAttribute
    }

    /// Spans with no events and at most this many attributes, none of them arrays, each within the per-field
    /// limits, are within `maxSpanBytes` (derived from the other limits in `init`).
    @usableFromInline var attributesWithinSize: Int

    /// What a span is estimated to take in the trace log at most, in bytes: the measure `maxSpanBytes` bounds.
    ///
    /// 512 for the span, plus its name and status message; per attribute 80 plus its key and value; per event
    /// 48 plus its name and attributes. A value counts its UTF-8 bytes (strings), 16 plus 16 and the bytes per
    /// element (string arrays), 16 plus 10, 8 or 1 per element (integer, double, bool arrays), 0 for scalars.
    ///
    /// ```swift
    /// let bytes = SpanLimits.encodedSizeEstimate(of: record)
    /// ```
    public static func encodedSizeEstimate(of span: SpanRecord) -> Int {
        var size = SizeEstimate.span + span.name.utf8.count
        if case .error(let message) = span.status { size += message.utf8.count }
        size += estimate(span.attributes)
        for event in span.events { size += SizeEstimate.event + event.name.utf8.count + estimate(event.attributes) }
        return size
    }

    /// The constants of `encodedSizeEstimate(of:)`.
    enum SizeEstimate {
        static let span = 512
        static let attribute = 80
        static let event = 48
        static let array = 16
        static let stringElement = 16
    }

    static func estimate(_ attributes: TraceAttributes) -> Int {
        var size = 0
        for index in attributes.indices {
            let (key, value) = attributes.storage[index]
            size += SizeEstimate.attribute + key.utf8.count + estimate(value)
        }
        return size
    }

    static func estimate(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let string): return string.utf8.count
        case .int, .double, .bool: return 0
        case .stringArray(let strings):
            return SizeEstimate.array + strings.reduce(0) { $0 + SizeEstimate.stringElement + $1.utf8.count }
        case .intArray(let values): return SizeEstimate.array + 10 * values.count
        case .doubleArray(let values): return SizeEstimate.array + 8 * values.count
        case .boolArray(let values): return SizeEstimate.array + values.count
        }
    }

    /// Applies the limits to a span made without a recorder (a recorder applies them to its own spans),
    /// counting what they remove in the span's limit counts.
    ///
    /// ```swift
    /// var span = decodedSpan
    /// SpanLimits().apply(to: &span)
    /// ```
    public func apply(to record: inout SpanRecord) {
        enforce(on: &record)
    }

    /// Applies the limits to a finished span, counting what they remove. Cheap when nothing is over (the common
    /// span: no events, a few scalar or string attributes): one pass that reads lengths. Always inlined, so the
    /// recorder's call reads the limits in place instead of copying them for every span.
    @inline(__always)
    func enforce(on record: inout SpanRecord) {
        if record.events.isEmpty,
            isWithinLimits(name: record.name, status: record.status, attributes: record.attributes)
        {
            return
        }
        enforceEveryLimit(on: &record)
    }

    /// Whether a span without events is within every limit, checked in one pass over its attributes; `false`
    /// also when it has array values (then the full check decides).
    @inline(__always)
    func isWithinLimits(name: String, status: SpanRecord.Status, attributes: TraceAttributes) -> Bool {
        let nameLength = name.utf8.count
        guard nameLength <= maxNameLength, attributes.count <= maxAttributeCount else { return false }
        if attributes.count <= attributesWithinSize {
            // Few attributes: only the per-field limits can be broken, not the size.
            if case .error(let message) = status, message.utf8.count > maxAttributeValueLength { return false }
            // A plain loop: a closure here would capture (and copy) the whole limits value for every span.
            for index in attributes.storage.indices where exceedsAsScalarOrString(attributes.storage[index]) {
                return false
            }
            return true
        }
        var size = SizeEstimate.span + nameLength
        if case .error(let message) = status {
            let length = message.utf8.count
            guard length <= maxAttributeValueLength else { return false }
            size += length
        }
        for (key, value) in attributes.storage {
            let keyLength = key.utf8.count
            guard keyLength <= maxAttributeKeyLength else { return false }
            size += SizeEstimate.attribute + keyLength
            switch value {
            case .string(let string):
                let length = string.utf8.count
                guard length <= maxAttributeValueLength else { return false }
                size += length
            case .int, .double, .bool: break
            default: return false
            }
        }
        return size <= maxSpanBytes
    }

    /// Every limit, on a span that may be over one.
    func enforceEveryLimit(on record: inout SpanRecord) {
        if record.events.count > maxEventCount {
            record.droppedEventCount &+= UInt32(clamping: record.events.count - maxEventCount)
            record.events.removeSubrange(maxEventCount...)
        }
        if record.name.utf8.count > maxNameLength {
            record.name = truncate(record.name, to: maxNameLength)
            record.truncatedValueCount &+= 1
        }
        if case .error(let message) = record.status, message.utf8.count > maxAttributeValueLength {
            record.status = .error(message: truncate(message, to: maxAttributeValueLength))
            record.truncatedValueCount &+= 1
        }
        let (dropped, truncated) = enforce(on: &record.attributes)
        record.droppedAttributeCount &+= dropped
        record.truncatedValueCount &+= truncated
        for index in record.events.indices {
            if record.events[index].name.utf8.count > maxNameLength {
                record.events[index].name = truncate(record.events[index].name, to: maxNameLength)
                record.truncatedValueCount &+= 1
            }
            guard !record.events[index].attributes.isEmpty else { continue }
            let counts = enforce(on: &record.events[index].attributes)
            record.droppedAttributeCount &+= counts.dropped
            record.truncatedValueCount &+= counts.truncated
        }
        if Self.encodedSizeEstimate(of: record) > maxSpanBytes { fitSize(of: &record) }
    }

    /// Applies the per-attribute limits to `attributes`; returns (dropped, truncated) counts.
    @usableFromInline
    func enforce(on attributes: inout TraceAttributes) -> (dropped: UInt32, truncated: UInt32) {
        // The common case changes nothing: check without taking a mutable (copy-on-write) path.
        guard attributes.count > maxAttributeCount || attributes.storage.contains(where: exceeds) else {
            return (0, 0)
        }
        var dropped: UInt32 = 0
        if attributes.count > maxAttributeCount {
            dropped = UInt32(clamping: attributes.count - maxAttributeCount)
            attributes.removeSuffix(from: maxAttributeCount)
        }
        var truncated: UInt32 = 0
        var keysShortened = false
        for index in attributes.indices where exceeds(attributes.storage[index]) {
            if attributes.storage[index].0.utf8.count > maxAttributeKeyLength {
                attributes.storage[index].0 = truncate(attributes.storage[index].0, to: maxAttributeKeyLength)
                keysShortened = true
            }
            attributes.updateValue(at: index) { value in value = limited(value) }
            truncated += 1
        }
        if keysShortened {
            // Two long keys may now be the same key: the last one wins, as for any repeated key.
            let before = attributes.count
            TraceAttributes.keepLastOfRepeatedKeys(&attributes.storage)
            dropped += UInt32(before - attributes.count)
        }
        return (dropped, truncated)
    }

    /// Whether an attribute breaks a per-field limit, or is an array (which the fast check leaves to the full one).
    @inline(__always)
    func exceedsAsScalarOrString(_ pair: (String, AttributeValue)) -> Bool {
        guard pair.0.utf8.count <= maxAttributeKeyLength else { return true }
        switch pair.1 {
        case .string(let string): return string.utf8.count > maxAttributeValueLength
        case .int, .double, .bool: return false
        default: return true
        }
    }

    func exceeds(_ pair: (String, AttributeValue)) -> Bool {
        pair.0.utf8.count > maxAttributeKeyLength || exceeds(pair.1)
    }

    func exceeds(_ value: AttributeValue) -> Bool {
        switch value {
        case .string(let string): return string.utf8.count > maxAttributeValueLength
        case .stringArray(let strings):
            return strings.count > maxAttributeArrayLength
                || strings.contains { $0.utf8.count > maxAttributeValueLength }
        case .intArray(let values): return values.count > maxAttributeArrayLength
        case .doubleArray(let values): return values.count > maxAttributeArrayLength
        case .boolArray(let values): return values.count > maxAttributeArrayLength
        case .int, .double, .bool: return false
        }
    }

    func limited(_ value: AttributeValue) -> AttributeValue {
        let length = maxAttributeValueLength
        switch value {
        case .string(let string): return .string(truncate(string, to: length))
        case .stringArray(let strings):
            return .stringArray(strings.prefix(maxAttributeArrayLength).map { truncate($0, to: length) })
        case .intArray(let values): return .intArray(Array(values.prefix(maxAttributeArrayLength)))
        case .doubleArray(let values): return .doubleArray(Array(values.prefix(maxAttributeArrayLength)))
        case .boolArray(let values): return .boolArray(Array(values.prefix(maxAttributeArrayLength)))
        case .int, .double, .bool: return value
        }
    }

    /// Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a Unicode scalar.
    func truncate(_ string: String, to maxBytes: Int) -> String {
        let utf8 = string.utf8
        guard utf8.count > maxBytes else { return string }
        var end = utf8.index(utf8.startIndex, offsetBy: maxBytes)
        // Back up over UTF-8 continuation bytes (10xxxxxx) to the start of a scalar.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }
}
