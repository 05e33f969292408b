// TraceKitSpan: a swift-distributed-tracing span that becomes a TraceKit SpanRecord when it ends.

import Instrumentation
import TraceKit
import TraceSync
import Tracing

/// A span started through swift-distributed-tracing (`withSpan`, `startSpan`) and recorded by TraceKit.
///
/// It is a class because the `Span` protocol hands spans around by reference; state changes are guarded by a
/// lock, and `end()` hands the finished `SpanRecord` to the recorder's sinks once (later calls are ignored).
// @unchecked Sendable: `state` is only touched inside `lock.withLock`.
public final class TraceKitSpan: Tracing.Span, @unchecked Sendable {
    /// The instrumentation context of this span; it carries `spanContext` for children and propagation.
    public let context: InstrumentationContext
    /// This span's TraceKit identity.
    public let spanContext: SpanContext
    let parentSpanID: SpanID?
    let kind: SpanRecord.Kind
    let startUnixNanoseconds: UInt64
    let recorder: TraceRecorder?
    // A span is touched from one task at a time in nearly every program: a spin lock (no allocation, one
    // compare-and-exchange) rather than a mutex object per span.
    private let lock = SpinLock()
    private var state: State

    struct State {
        var operationName: String
        var attributes = SpanAttributes()
        var events: [SpanRecord.Event] = []
        var status: SpanRecord.Status = .unset
        var lastErrorMessage: String?
        var ended = false
    }

    init(
        operationName: String,
        context: InstrumentationContext,
        spanContext: SpanContext,
        parentSpanID: SpanID?,
        kind: SpanRecord.Kind,
        startUnixNanoseconds: UInt64,
        recorder: TraceRecorder?
    ) {
        self.context = context
        self.spanContext = spanContext
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.startUnixNanoseconds = startUnixNanoseconds
        self.recorder = spanContext.isSampled ? recorder : nil
        self.state = State(operationName: operationName)
    }

    private func withState<R>(_ body: (inout State) -> R) -> R {
        lock.withLock { body(&state) }
    }

    public var operationName: String {
        get { withState { $0.operationName } }
        set { withState { $0.operationName = newValue } }
    }

    public var attributes: SpanAttributes {
        get { withState { $0.attributes } }
        set { withState { $0.attributes = newValue } }
        // `span.attributes["k"] = v` edits the span's own storage instead of a copy (a get and a set would copy
        // the whole dictionary for every attribute). The attributes are moved out while the caller edits them,
        // so no lock is held while its code runs.
        _modify {
            var attributes = withState { state in
                let taken = state.attributes
                state.attributes = SpanAttributes()
                return taken
            }
            defer { withState { $0.attributes = attributes } }
            yield &attributes
        }
    }

    public var isRecording: Bool {
        recorder != nil && !withState { $0.ended }
    }

    public func setStatus(_ status: SpanStatus) {
        withState { state in
            switch status.code {
            case .ok: state.status = .ok
            case .error:
                // `withSpan` sets a bare error status after `recordError`; keep the error's description.
                state.status = .error(message: status.message ?? state.lastErrorMessage ?? "")
            }
        }
    }

    public func addEvent(_ event: SpanEvent) {
        guard recorder != nil else { return }
        let converted = SpanRecord.Event(
            name: event.name,
            timeUnixNanoseconds: event.nanosecondsSinceEpoch,
            attributes: TraceAttributes(event.attributes)
        )
        withState { $0.events.append(converted) }
    }

    public func recordError<Instant: TracerInstant>(
        _ error: any Error,
        attributes: SpanAttributes,
        at instant: @autoclosure () -> Instant
    ) {
        guard recorder != nil else { return }
        let message = String(describing: error)
        var eventAttributes: TraceAttributes = [
            "exception.type": .string(String(reflecting: type(of: error))),
            "exception.message": .string(message),
        ]
        attributes.forEach { key, value in eventAttributes[key] = AttributeValue(value) }
        let event = SpanRecord.Event(
            name: "exception",
            timeUnixNanoseconds: instant().nanosecondsSinceEpoch,
            attributes: eventAttributes
        )
        withState { state in
            state.events.append(event)
            state.lastErrorMessage = message
        }
    }

    /// Links are not part of TraceKit's span model yet; they are counted in `tracekit.dropped_links`.
    public func addLink(_ link: SpanLink) {
        withState { state in
            let dropped: Int64
            if case .int64(let count)? = state.attributes.get("tracekit.dropped_links") {
                dropped = count
            } else {
                dropped = 0
            }
            state.attributes.set("tracekit.dropped_links", value: .int64(dropped + 1))
        }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let endUnixNanoseconds = instant().nanosecondsSinceEpoch
        guard let recorder else { return }
        let finished: State? = withState { state in
            guard !state.ended else { return nil }
            state.ended = true
            return state
        }
        guard let finished else { return }
        recorder.submit(
            SpanRecord(
                traceID: spanContext.traceID,
                spanID: spanContext.spanID,
                parentSpanID: parentSpanID,
                name: kind == .server
                    ? HTTPServerSpanName.conventional(finished.operationName, attributes: finished.attributes)
                    : finished.operationName,
                kind: kind,
                status: finished.status,
                startUnixNanoseconds: startUnixNanoseconds,
                durationNanoseconds: endUnixNanoseconds >= startUnixNanoseconds
                    ? endUnixNanoseconds - startUnixNanoseconds : 0,
                attributes: TraceAttributes(finished.attributes),
                events: finished.events,
                samplingThreshold: spanContext.samplingThreshold
            )
        )
    }
}
