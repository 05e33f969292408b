// TraceRecorder: makes ids, decides sampling, times spans and fans finished spans out to the sinks.

import Synchronization

/// Records spans: assigns ids, applies the sampler and limits, and hands each finished span to every sink.
///
/// Usually there is one, installed with `TraceSystem.bootstrap`; tests make their own and install it for a
/// scope with `TraceSystem.withRecorder`.
///
/// ```swift
/// let recorder = TraceRecorder(TraceConfiguration(service: "test", sinks: [collector]))
/// TraceSystem.withRecorder(recorder) { traceOperation("step") { work() } }
/// ```
public final class TraceRecorder: Sendable {
    /// The configuration the recorder was made with.
    public let configuration: TraceConfiguration
    /// Who produces the spans.
    public var resource: Resource { configuration.resource }

    @usableFromInline let sinks: [any SpanSink]
    @usableFromInline let sampler: Sampler
    @usableFromInline let limits: SpanLimits
    /// Added to a CLOCK_MONOTONIC reading to get Unix nanoseconds: one clock read per timestamp, not two.
    @usableFromInline let wallClockOffsetNanoseconds: UInt64
    @usableFromInline let idCounter = Atomic<UInt64>(0)
    /// How this recorder makes ids; a log writer can use it to store counters instead of random bits.
    public let identifiers: IdentifierScheme

    /// Set by `shutdown()`: from then on no span is started (nothing would take it).
    @usableFromInline let isShutDown = Atomic<Bool>(false)
    let droppedAttributes = Atomic<UInt64>(0)
    let droppedEvents = Atomic<UInt64>(0)
    let truncatedValues = Atomic<UInt64>(0)

    /// Creates a recorder; ids are keyed with fresh random keys.
    public init(_ configuration: TraceConfiguration) {
        self.configuration = configuration
        self.sinks = configuration.sinks
        self.sampler = configuration.sampler
        self.limits = configuration.limits
        var random = SystemRandomNumberGenerator()
        self.identifiers = IdentifierScheme(
            traceIDHigh: random.next() | 1,
            traceIDLow: IDPermutation(key: random.next()),
            spanID: IDPermutation(key: random.next())
        )
        let wall = WallClock.nowUnixNanoseconds()
        let monotonic = MonotonicClock.nowNanoseconds()
        self.wallClockOffsetNanoseconds = wall &- monotonic
    }

    /// Counts of what limits removed, over the recorder's lifetime.
    public var statistics: Statistics {
        Statistics(
            droppedAttributes: droppedAttributes.load(ordering: .relaxed),
            droppedEvents: droppedEvents.load(ordering: .relaxed),
            truncatedValues: truncatedValues.load(ordering: .relaxed)
        )
    }

    /// Asks every sink to make what it has durable or visible; returns when they are done.
    public func flush() {
        for sink in sinks { sink.flush() }
    }

    /// Stops recording, then flushes and shuts down every sink; returns when they are done. Spans started
    /// afterwards are not recorded (they cost what they cost with tracing off).
    ///
    /// If this is the bootstrapped recorder it is also uninstalled, so `TraceSystem.bootstrap` can install a new
    /// one. Calling it again does nothing.
    ///
    /// ```swift
    /// let recorder = try TraceSystem.bootstrap(TraceConfiguration(service: "tool", log: .file("tool.tklog")))
    /// defer { recorder.shutdown() }
    /// ```
    public func shutdown() {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for sink in sinks { sink.shutdown() }
        // Uninstalled last: a log writer still finds its recorder's id scheme through `TraceSystem` while it
        // writes its last blocks.
        TraceSystem.uninstall(self)
    }

    /// Whether `shutdown()` was called.
    public var isShutdown: Bool { isShutDown.load(ordering: .relaxed) }

    /// The context of a new span under `parent`, or `nil` when the span is not recorded and there is
    /// nothing to propagate (the parent is unsampled, or the sampler never records).
    @inlinable
    func makeContext(parent: SpanContext?) -> SpanContext? {
        guard !isShutDown.load(ordering: .relaxed) else { return nil }
        if let parent {
            guard parent.isSampled else { return nil }
            let counter = nextCounter()
            return SpanContext(
                traceID: parent.traceID,
                spanID: SpanID(rawValue: identifiers.spanID.apply(counter)),
                isSampled: true,
                samplingThreshold: parent.samplingThreshold,
                nesting: parent.nesting &+ 1
            )
        }
        let counter = nextCounter()
        let traceID = TraceID(high: identifiers.traceIDHigh, low: identifiers.traceIDLow.apply(counter))
        let sampled = sampler.shouldSample(traceID)
        guard sampled || sampler.propagatesUnsampledRoots else { return nil }
        return SpanContext(
            traceID: traceID,
            spanID: SpanID(rawValue: identifiers.spanID.apply(counter)),
            isSampled: sampled,
            samplingThreshold: sampler.threshold,
            nesting: 1
        )
    }

    /// The next id counter; skips the few values whose permuted ids would be the invalid zero.
    @inlinable
    func nextCounter() -> UInt64 {
        while true {
            let counter = idCounter.wrappingAdd(1, ordering: .relaxed).newValue
            if identifiers.spanID.apply(counter) != 0, identifiers.traceIDLow.apply(counter) != 0 {
                return counter
            }
        }
    }

    /// Starts a span under the current task's context. The caller binds `span.context` while the body runs.
    @inlinable
    func startSpan(
        _ name: String,
        attributes: () -> TraceAttributes,
        kind: SpanRecord.Kind,
        parent: SpanContext?
    ) -> ActiveSpan? {
        guard let context = makeContext(parent: parent) else { return nil }
        guard context.isSampled else { return ActiveSpan(notRecording: context, name: name) }
        return ActiveSpan(
            context: context,
            parentSpanID: parent?.spanID,
            name: name,
            kind: kind,
            attributes: attributes(),
            startMonotonicNanoseconds: MonotonicClock.nowNanoseconds(),
            wallClockOffsetNanoseconds: wallClockOffsetNanoseconds,
            limits: limits
        )
    }

    /// Ends a span now and hands its record to every sink.
    @inlinable
    func end(_ span: inout ActiveSpan) {
        guard span.isRecording else { return }
        let end = MonotonicClock.nowNanoseconds()
        var record = span.takeRecord(endMonotonicNanoseconds: end)
        applyLimits(to: &record)
        if record.droppedAttributeCount | record.droppedEventCount | record.truncatedValueCount != 0 {
            countLimitEffects(record)
        }
        for sink in sinks { sink.consume(record) }
    }

    /// The identity of a new span under `parent`, for spans started and ended by hand (bridges).
    ///
    /// `isSampled` says whether to record it. When the parent is unsampled (or the sampler never records) the
    /// parent's own context (or an invalid one) comes back, so that children see the same decision.
    public func makeSpanContext(parent: SpanContext?) -> SpanContext {
        if isShutdown {
            return SpanContext(
                traceID: parent?.traceID ?? .invalid, spanID: parent?.spanID ?? .invalid, isSampled: false)
        }
        if let context = makeContext(parent: parent) { return context }
        return parent ?? SpanContext(traceID: .invalid, spanID: .invalid, isSampled: false)
    }

    /// The current time as Unix nanoseconds, from the monotonic clock the recorder times spans with.
    public var nowUnixNanoseconds: UInt64 {
        MonotonicClock.nowNanoseconds() &+ wallClockOffsetNanoseconds
    }

    /// Hands a span finished by hand (by a bridge, or replayed) to every sink, after applying the span limits.
    public func submit(_ span: SpanRecord) {
        guard !isShutDown.load(ordering: .relaxed) else { return }
        var record = span
        limits.enforce(on: &record)
        if record.droppedAttributeCount | record.droppedEventCount | record.truncatedValueCount != 0 {
            countLimitEffects(record)
        }
        for sink in sinks { sink.consume(record) }
    }

    /// Applies `limits` to a finished span. Not inlinable on purpose: inlined into the caller, it would copy the
    /// whole limits value out of the recorder for every span.
    @usableFromInline
    func applyLimits(to record: inout SpanRecord) {
        limits.enforce(on: &record)
    }

    @usableFromInline
    func countLimitEffects(_ record: SpanRecord) {
        droppedAttributes.add(UInt64(record.droppedAttributeCount), ordering: .relaxed)
        droppedEvents.add(UInt64(record.droppedEventCount), ordering: .relaxed)
        truncatedValues.add(UInt64(record.truncatedValueCount), ordering: .relaxed)
    }

    /// What span limits removed over a recorder's lifetime.
    public struct Statistics: Hashable, Sendable {
        /// Attributes dropped (span and event attributes over the count limit).
        public var droppedAttributes: UInt64
        /// Events dropped over the per-span event limit.
        public var droppedEvents: UInt64
        /// Attribute values shortened to the length limit.
        public var truncatedValues: UInt64
    }

    /// How a recorder makes ids from one counter: trace ids are `(traceIDHigh, traceIDLow.apply(n))`,
    /// span ids `spanID.apply(n)`. A root span's trace id and span id come from the same `n`.
    public struct IdentifierScheme: Hashable, Sendable {
        public var traceIDHigh: UInt64
        public var traceIDLow: IDPermutation
        public var spanID: IDPermutation
    }
}
