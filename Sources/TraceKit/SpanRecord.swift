// SpanRecord: a finished span, the value every sink receives and the log stores.

/// A finished span: identity, timing, outcome, attributes and events.
///
/// Sinks receive one `SpanRecord` per finished span; the trace log stores and replays them.
/// Start is wall-clock Unix nanoseconds; duration comes from a monotonic clock.
public struct SpanRecord: Hashable, Sendable {
    /// The trace this span belongs to.
    public var traceID: TraceID
    /// This span's id.
    public var spanID: SpanID
    /// The parent's span id; `nil` for a root span.
    public var parentSpanID: SpanID?
    // Declared here, after the optional id's tag byte, the kind takes no room of its own: the record stays at
    // 128 bytes, which the compiler still moves without a `memcpy` call when a sink is handed one.
    /// The role of the span (internal, server, client, producer, consumer).
    public var kind: Kind
    /// The operation name; keep it low-cardinality (it becomes a metric label).
    public var name: String
    /// Unset, ok, or error with a message.
    public var status: Status
    /// Start time, Unix epoch nanoseconds.
    public var startUnixNanoseconds: UInt64
    /// Duration in nanoseconds, measured with a monotonic clock.
    public var durationNanoseconds: UInt64
    /// The span's attributes, after limits were applied.
    public var attributes: TraceAttributes
    /// Timed events within the span, such as `exception`.
    public var events: [Event]
    /// Attributes dropped because the span exceeded `SpanLimits.maxAttributeCount`.
    public var droppedAttributeCount: UInt32
    /// Events dropped because the span exceeded `SpanLimits.maxEventCount`.
    public var droppedEventCount: UInt32
    /// Strings (values, names, keys, status messages) shortened by `SpanLimits`.
    public var truncatedValueCount: UInt32
    /// The head-sampling rejection threshold of the span's trace (OpenTelemetry's `th`, 56 bits): the trace was
    /// kept with probability `1 - samplingThreshold / 2^56`. 0 (the default): kept with certainty, or not known.
    public var samplingThreshold: UInt64

    /// Creates a span record.
    public init(
        traceID: TraceID,
        spanID: SpanID,
        parentSpanID: SpanID? = nil,
        name: String,
        kind: Kind = .internal,
        status: Status = .unset,
        startUnixNanoseconds: UInt64,
        durationNanoseconds: UInt64,
        attributes: TraceAttributes = [:],
        events: [Event] = [],
        droppedAttributeCount: UInt32 = 0,
        droppedEventCount: UInt32 = 0,
        truncatedValueCount: UInt32 = 0,
        samplingThreshold: UInt64 = 0
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.status = status
        self.startUnixNanoseconds = startUnixNanoseconds
        self.durationNanoseconds = durationNanoseconds
        self.attributes = attributes
        self.events = events
        self.droppedAttributeCount = droppedAttributeCount
        self.droppedEventCount = droppedEventCount
        self.truncatedValueCount = truncatedValueCount
        self.samplingThreshold = samplingThreshold
    }

    /// The span's identity as a context (always sampled: it was recorded).
    public var context: SpanContext {
        SpanContext(traceID: traceID, spanID: spanID, isSampled: true, samplingThreshold: samplingThreshold)
    }

    /// How many spans this one stands for under head sampling: `1 / p` for a trace kept with probability `p`
    /// (OpenTelemetry's adjusted count), 1 without sampling. Counts derived from sampled spans are estimates.
    ///
    /// ```swift
    /// let estimatedRequests = spans.reduce(0) { $0 + $1.adjustedCount }
    /// ```
    public var adjustedCount: Double {
        Self.adjustedCount(samplingThreshold: samplingThreshold)
    }

    /// The adjusted count of a span whose trace had rejection threshold `samplingThreshold`.
    public static func adjustedCount(samplingThreshold: UInt64) -> Double {
        guard samplingThreshold != 0 else { return 1 }
        guard samplingThreshold < Sampler.maxThreshold else { return .infinity }
        return Double(Sampler.maxThreshold) / Double(Sampler.maxThreshold - samplingThreshold)
    }

    /// End time, Unix epoch nanoseconds.
    public var endUnixNanoseconds: UInt64 { startUnixNanoseconds &+ durationNanoseconds }

    /// The role of a span, as in OpenTelemetry. Raw values are stable: the log stores them.
    public enum Kind: UInt8, Hashable, Sendable, CaseIterable {
        case `internal` = 0
        case server = 1
        case client = 2
        case producer = 3
        case consumer = 4
    }

    /// The outcome of a span, as in OpenTelemetry.
    public enum Status: Hashable, Sendable {
        /// Nothing was said: the default.
        case unset
        /// The operation is known to have succeeded.
        case ok
        /// The operation failed.
        case error(message: String)

        /// Whether this is an error status.
        public var isError: Bool {
            if case .error = self { return true }
            return false
        }
    }

    /// A timed event within a span.
    public struct Event: Hashable, Sendable {
        /// The event name, for example `exception`.
        public var name: String
        /// When it happened, Unix epoch nanoseconds.
        public var timeUnixNanoseconds: UInt64
        /// The event's attributes.
        public var attributes: TraceAttributes

        public init(name: String, timeUnixNanoseconds: UInt64, attributes: TraceAttributes = [:]) {
            self.name = name
            self.timeUnixNanoseconds = timeUnixNanoseconds
            self.attributes = attributes
        }
    }
}
