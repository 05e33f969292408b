// SpanContext: the small value that identifies a span and travels with the task (and over the wire as traceparent).

/// The identity of a span: trace id, span id and the sampling decision.
///
/// This is the value TraceKit carries in a task-local, so nested spans find their parent across
/// `await`, `async let` and task groups. It is also what crosses process boundaries as a W3C
/// `traceparent` header.
///
/// ```swift
/// if let parent = SpanContext(traceparent: request.headers["traceparent"] ?? "") {
///     try await withSpanContext(parent) { try await handle(request) }
/// }
/// ```
public struct SpanContext: Hashable, Sendable {
    /// The trace this span belongs to.
    public var traceID: TraceID
    /// This span's id.
    public var spanID: SpanID
    /// Whether spans of this trace are recorded (the W3C `sampled` trace flag).
    public var isSampled: Bool
    /// Whether the context arrived from another process (parsed from a `traceparent`).
    public var isRemote: Bool
    /// How deep this context was bound among the span contexts visible to its task: larger than every context
    /// visible where it was made. When a bridge's carrier is installed, TraceKit's task-local and the carrier
    /// each hold a context, and the deeper one is the current span. Not part of the identity (`==`, hashing).
    @usableFromInline package var nesting: UInt32 = 0
    /// The trace's head-sampling rejection threshold (OpenTelemetry's `th`, 56 bits): the trace was kept with
    /// probability `1 - samplingThreshold / 2^56`. 0, the default, means kept with certainty (or not known).
    public var samplingThreshold: UInt64

    /// Creates a span context.
    @inlinable
    public init(
        traceID: TraceID, spanID: SpanID, isSampled: Bool, isRemote: Bool = false, samplingThreshold: UInt64 = 0
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.isSampled = isSampled
        self.isRemote = isRemote
        self.samplingThreshold = samplingThreshold
    }

    /// Creates a span context bound `nesting` deep (see ``nesting``).
    @inlinable
    package init(traceID: TraceID, spanID: SpanID, isSampled: Bool, samplingThreshold: UInt64, nesting: UInt32) {
        self.init(traceID: traceID, spanID: spanID, isSampled: isSampled, samplingThreshold: samplingThreshold)
        self.nesting = nesting
    }

    /// Equal when trace id, span id, sampling decision, remoteness and sampling threshold are.
    @inlinable
    public static func == (lhs: SpanContext, rhs: SpanContext) -> Bool {
        lhs.traceID == rhs.traceID && lhs.spanID == rhs.spanID && lhs.isSampled == rhs.isSampled
            && lhs.isRemote == rhs.isRemote && lhs.samplingThreshold == rhs.samplingThreshold
    }

    /// Hashes what `==` compares.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(traceID)
        hasher.combine(spanID)
        hasher.combine(isSampled)
        hasher.combine(isRemote)
        hasher.combine(samplingThreshold)
    }

    /// The span context of the span running in the current task, if any.
    ///
    /// ```swift
    /// logger.info("handled", metadata: ["trace_id": "\(SpanContext.current?.traceID.description ?? "-")"])
    /// ```
    public static var current: SpanContext? {
        TraceSystem.currentParent()
    }
}

/// The task-local that carries the current span context. Kept as an explicit `TaskLocal` so that
/// inlinable hot-path code can bind it.
@usableFromInline
enum SpanContextStorage {
    @usableFromInline
    static let taskLocal = TaskLocal<SpanContext?>(wrappedValue: nil)
}

extension SpanContext {
    /// Parses a W3C Trace Context `traceparent` header value, for example
    /// `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. Returns `nil` when the value is not valid.
    ///
    /// Version `00` must be exactly 55 characters; later versions may append fields after a `-`,
    /// which are ignored as the specification asks. Version `ff`, all-zero ids and uppercase hex are rejected.
    public init?(traceparent: some StringProtocol) {
        let bytes = Array(traceparent.utf8)
        guard bytes.count >= 55,
            bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-"),
            let version = HexCoding.decode64(bytes[0..<2]), version != 0xFF,
            let high = HexCoding.decode64(bytes[3..<19]),
            let low = HexCoding.decode64(bytes[19..<35]),
            let spanBits = HexCoding.decode64(bytes[36..<52]),
            let flags = HexCoding.decode64(bytes[53..<55])
        else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55 {
            guard bytes[55] == UInt8(ascii: "-") else { return nil }
        }
        let traceID = TraceID(high: high, low: low)
        let spanID = SpanID(rawValue: spanBits)
        guard traceID.isValid, spanID.isValid else { return nil }
        self.init(traceID: traceID, spanID: spanID, isSampled: flags & 1 == 1, isRemote: true)
    }

    /// This context as a W3C `traceparent` header value (version `00`).
    public var traceparent: String {
        "00-\(traceID)-\(spanID)-\(isSampled ? "01" : "00")"
    }
}

/// Runs `body` with `context` as the current span context, so spans started inside become its children.
///
/// Use it to continue a trace in a detached task, or from an incoming `traceparent`.
/// Passing `nil` runs `body` outside any trace: its spans start new traces.
///
/// ```swift
/// let context = SpanContext.current
/// Task.detached { withSpanContext(context) { traceOperation("cleanup") { cleanUp() } } }
/// ```
@inlinable
@discardableResult
public func withSpanContext<R, E: Error>(_ context: SpanContext?, _ body: () throws(E) -> R) throws(E) -> R {
    let result: Result<R, E> = bindSpanContextEverywhere(context) {
        Result { () throws(E) -> R in try body() }
    }
    return try result.get()
}

/// Runs the async `body` with `context` as the current span context, so spans started inside become its children.
///
/// ```swift
/// let context = SpanContext.current
/// Task.detached { await withSpanContext(context) { await traceOperation("cleanup") { await cleanUp() } } }
/// ```
@inlinable
@discardableResult
public func withSpanContext<R, E: Error>(
    _ context: SpanContext?,
    isolation: isolated (any Actor)? = #isolation,
    _ body: () async throws(E) -> R
) async throws(E) -> R {
    let result: Result<R, E> = await bindSpanContextEverywhere(context, isolation: isolation) {
        () async -> Result<R, E> in
        do throws(E) {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
