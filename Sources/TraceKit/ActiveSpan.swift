// ActiveSpan: the span being recorded, handed `inout` to the traced closure to add attributes and events.

/// The span in progress, passed `inout` to the body of `traceOperation` and `spanSyscall`.
///
/// It lives on the caller's stack (no allocation) and cannot be copied or escape the body, so it can never be
/// ended twice or changed after it was recorded. When the span is not recorded (tracing off, or sampled out)
/// every mutation is a cheap no-op.
///
/// ```swift
/// let user = try await traceOperation("load_user", ["user.id": .int(id)]) { span in
///     let user = try await db.load(id)
///     span.setAttribute("user.plan", .string(user.plan))
///     span.addEvent("cache_miss")
///     return user
/// }
/// ```
public struct ActiveSpan: ~Copyable {
    /// This span's identity; children and outgoing `traceparent` headers use it.
    public let context: SpanContext
    /// The parent's span id; `nil` for a root span.
    public let parentSpanID: SpanID?
    /// The operation name.
    public let name: String
    /// The span's kind.
    public let kind: SpanRecord.Kind
    /// The span's status; a body that throws sets it to `.error` automatically.
    public var status: SpanRecord.Status = .unset
    /// Whether this span will be recorded. When `false`, mutations are ignored.
    public let isRecording: Bool

    @usableFromInline var storedAttributes: TraceAttributes
    @usableFromInline var events: [SpanRecord.Event] = []
    @usableFromInline let startMonotonicNanoseconds: UInt64
    @usableFromInline let wallClockOffsetNanoseconds: UInt64
    @usableFromInline let limits: SpanLimits
    @usableFromInline var droppedAttributeCount: UInt32 = 0
    @usableFromInline var droppedEventCount: UInt32 = 0

    /// A recording span.
    @inlinable
    init(
        context: SpanContext,
        parentSpanID: SpanID?,
        name: String,
        kind: SpanRecord.Kind,
        attributes: TraceAttributes,
        startMonotonicNanoseconds: UInt64,
        wallClockOffsetNanoseconds: UInt64,
        limits: SpanLimits
    ) {
        self.context = context
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.isRecording = true
        self.storedAttributes = attributes
        self.startMonotonicNanoseconds = startMonotonicNanoseconds
        self.wallClockOffsetNanoseconds = wallClockOffsetNanoseconds
        self.limits = limits
    }

    /// A span that records nothing; `context` is what children see (an unsampled context, or none).
    @inlinable
    init(notRecording context: SpanContext?, name: String) {
        self.context = context ?? SpanContext(traceID: .invalid, spanID: .invalid, isSampled: false)
        self.parentSpanID = nil
        self.name = name
        self.kind = .internal
        self.isRecording = false
        self.storedAttributes = TraceAttributes()
        self.startMonotonicNanoseconds = 0
        self.wallClockOffsetNanoseconds = 0
        self.limits = SpanLimits(maxAttributeCount: 0, maxAttributeValueLength: 0, maxEventCount: 0)
    }

    /// The attributes set so far.
    public var attributes: TraceAttributes { storedAttributes }

    /// Sets (or, with `nil`, removes) an attribute. Beyond `SpanLimits.maxAttributeCount` new keys are dropped and counted.
    public mutating func setAttribute(_ key: String, _ value: AttributeValue?) {
        guard isRecording else { return }
        if value != nil, storedAttributes.count >= limits.maxAttributeCount, storedAttributes[key] == nil {
            droppedAttributeCount &+= 1
            return
        }
        storedAttributes[key] = value
    }

    /// Adds a timed event. Beyond `SpanLimits.maxEventCount` events are dropped and counted.
    public mutating func addEvent(_ name: String, _ attributes: TraceAttributes = TraceAttributes()) {
        guard isRecording else { return }
        guard events.count < limits.maxEventCount else {
            droppedEventCount &+= 1
            return
        }
        let time = MonotonicClock.nowNanoseconds() &+ wallClockOffsetNanoseconds
        events.append(SpanRecord.Event(name: name, timeUnixNanoseconds: time, attributes: attributes))
    }

    /// Records `error`: error status with its description, and an `exception` event with
    /// `exception.type` and `exception.message` (OpenTelemetry semantic conventions).
    public mutating func recordError(_ error: some Error) {
        guard isRecording else { return }
        let message = String(describing: error)
        status = .error(message: message)
        addEvent(
            "exception",
            [
                // Through `any Error` so the dynamic type is named, also when the static type is `any Error`.
                "exception.type": .string(String(reflecting: type(of: error as any Error))),
                "exception.message": .string(message),
            ]
        )
    }

    /// Ends the span at `endMonotonicNanoseconds` and produces its record, with limits applied.
    @usableFromInline
    consuming func finish(endMonotonicNanoseconds: UInt64) -> SpanRecord {
        var attributes = storedAttributes
        let (dropped, truncated) = limits.enforce(on: &attributes)
        var events = self.events
        var eventDropped: UInt32 = 0
        var eventTruncated: UInt32 = 0
        for index in events.indices where !events[index].attributes.isEmpty {
            let counts = limits.enforce(on: &events[index].attributes)
            eventDropped &+= counts.dropped
            eventTruncated &+= counts.truncated
        }
        return SpanRecord(
            traceID: context.traceID,
            spanID: context.spanID,
            parentSpanID: parentSpanID,
            name: name,
            kind: kind,
            status: status,
            startUnixNanoseconds: startMonotonicNanoseconds &+ wallClockOffsetNanoseconds,
            durationNanoseconds: endMonotonicNanoseconds &- startMonotonicNanoseconds,
            attributes: attributes,
            events: events,
            droppedAttributeCount: droppedAttributeCount &+ dropped &+ eventDropped,
            droppedEventCount: droppedEventCount,
            truncatedValueCount: truncated &+ eventTruncated
        )
    }
}
