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
    /// The record being built; finishing the span fills in the duration and hands it over without copying.
    @usableFromInline var record: SpanRecord
    /// Whether this span will be recorded. When `false`, mutations are ignored.
    public let isRecording: Bool
    /// This span's identity; children and outgoing `traceparent` headers use it.
    public let context: SpanContext
    @usableFromInline let startMonotonicNanoseconds: UInt64
    /// `SpanLimits.maxAttributeCount` and `maxEventCount`: the limits that apply while the span runs (the rest
    /// are applied when it ends).
    @usableFromInline let maxAttributeCount: Int
    @usableFromInline let maxEventCount: Int

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
        self.record = SpanRecord(
            traceID: context.traceID,
            spanID: context.spanID,
            parentSpanID: parentSpanID,
            name: name,
            kind: kind,
            startUnixNanoseconds: startMonotonicNanoseconds &+ wallClockOffsetNanoseconds,
            durationNanoseconds: 0,
            attributes: attributes,
            samplingThreshold: context.samplingThreshold
        )
        self.context = context
        self.isRecording = true
        self.startMonotonicNanoseconds = startMonotonicNanoseconds
        self.maxAttributeCount = limits.maxAttributeCount
        self.maxEventCount = limits.maxEventCount
    }

    /// A span that records nothing; `context` is what children see (an unsampled context, or none).
    @inlinable
    init(notRecording context: SpanContext?, name: String) {
        let context = context ?? SpanContext(traceID: .invalid, spanID: .invalid, isSampled: false)
        self.record = SpanRecord(
            traceID: context.traceID,
            spanID: context.spanID,
            name: name,
            startUnixNanoseconds: 0,
            durationNanoseconds: 0
        )
        self.context = context
        self.isRecording = false
        self.startMonotonicNanoseconds = 0
        self.maxAttributeCount = 0
        self.maxEventCount = 0
    }

    /// The parent's span id; `nil` for a root span.
    public var parentSpanID: SpanID? { record.parentSpanID }
    /// The operation name.
    public var name: String { record.name }
    /// The span's kind.
    public var kind: SpanRecord.Kind { record.kind }
    /// The span's status; a body that throws sets it to `.error` automatically.
    public var status: SpanRecord.Status {
        get { record.status }
        set { if isRecording { record.status = newValue } }
    }

    /// The attributes set so far.
    public var attributes: TraceAttributes { record.attributes }

    /// Sets (or, with `nil`, removes) an attribute. Beyond `SpanLimits.maxAttributeCount` new keys are dropped and counted.
    public mutating func setAttribute(_ key: String, _ value: AttributeValue?) {
        guard isRecording else { return }
        if value != nil, record.attributes.count >= maxAttributeCount, record.attributes[key] == nil {
            record.droppedAttributeCount &+= 1
            return
        }
        record.attributes[key] = value
    }

    /// Adds a timed event. Beyond `SpanLimits.maxEventCount` events are dropped and counted.
    public mutating func addEvent(_ name: String, _ attributes: TraceAttributes = TraceAttributes()) {
        guard isRecording else { return }
        guard record.events.count < maxEventCount else {
            record.droppedEventCount &+= 1
            return
        }
        let time = record.startUnixNanoseconds &+ (MonotonicClock.nowNanoseconds() &- startMonotonicNanoseconds)
        record.events.append(SpanRecord.Event(name: name, timeUnixNanoseconds: time, attributes: attributes))
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

    /// Ends the span: fills in the duration and moves the record out (no copy); the recorder applies the limits.
    @inlinable
    mutating func takeRecord(endMonotonicNanoseconds: UInt64) -> SpanRecord {
        var finished = SpanRecord(
            traceID: .invalid, spanID: .invalid, name: "", startUnixNanoseconds: 0, durationNanoseconds: 0)
        swap(&finished, &record)
        finished.durationNanoseconds = endMonotonicNanoseconds &- startMonotonicNanoseconds
        return finished
    }
}
