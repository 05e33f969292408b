// TraceKitTracer: a swift-distributed-tracing Tracer that records into TraceKit, with traceparent propagation.

import Instrumentation
import TraceKit
import Tracing

/// Makes every `withSpan` / `startSpan` of swift-distributed-tracing record a TraceKit span.
///
/// Context is shared both ways: a `traceOperation` inside `withSpan` is its child, and a `withSpan` inside
/// `traceOperation` is its child. `inject` and `extract` speak W3C `traceparent`.
///
/// ```swift
/// try TraceSystem.bootstrap(TraceConfiguration(service: "api", sinks: [logWriter]))
/// InstrumentationSystem.bootstrap(TraceKitTracer())
/// withSpan("db.query") { span in span.attributes["db.system"] = "sqlite" }   // recorded by TraceKit
/// ```
public struct TraceKitTracer: Tracer {
    public typealias Span = TraceKitSpan

    /// The W3C Trace Context header this tracer injects and extracts.
    public static let traceparentHeader = "traceparent"
    /// The W3C `tracestate` header; only its `ot=th:` sampling threshold is read and written.
    public static let tracestateHeader = "tracestate"

    private let fixedRecorder: TraceRecorder?

    /// Creates a tracer that records into `recorder`, or, when `nil`, into `TraceSystem.recorder` at each span
    /// (so `TraceSystem.withRecorder` overrides apply). Installs the context carrier that lets `withSpan` and
    /// `traceOperation` see each other's spans.
    public init(recorder: TraceRecorder? = nil) {
        self.fixedRecorder = recorder
        TraceSystem.installContextCarrier(InstrumentationContextCarrier())
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> InstrumentationContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> TraceKitSpan {
        var instrumentationContext = context()
        let (parent, depth) = InstrumentationContext.resolvedSpanContext(in: instrumentationContext)
        let recorder = fixedRecorder ?? TraceSystem.recorder
        var spanContext =
            recorder?.makeSpanContext(parent: parent)
            ?? parent ?? SpanContext(traceID: .invalid, spanID: .invalid, isSampled: false)
        // Deeper than every context visible here: inside this span's body it is the current one.
        spanContext.nesting = depth &+ 1
        instrumentationContext.traceKitSpanContext = spanContext
        return TraceKitSpan(
            operationName: operationName,
            context: instrumentationContext,
            spanContext: spanContext,
            parentSpanID: spanContext.isSampled && spanContext != parent ? parent?.spanID : nil,
            kind: SpanRecord.Kind(kind),
            startUnixNanoseconds: instant().nanosecondsSinceEpoch,
            recorder: recorder
        )
    }

    public func forceFlush() {
        (fixedRecorder ?? TraceSystem.recorder)?.flush()
    }

    public func extract<Carrier, Extract>(
        _ carrier: Carrier,
        into context: inout InstrumentationContext,
        using extractor: Extract
    ) where Extract: Extractor, Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: Self.traceparentHeader, from: carrier),
            var remote = SpanContext(traceparent: header)
        else { return }
        // The caller's head-sampling threshold, so this process counts the trace's spans as the caller did.
        if let state = extractor.extract(key: Self.tracestateHeader, from: carrier),
            let threshold = SamplingTraceState.threshold(in: state)
        {
            remote.samplingThreshold = threshold
        }
        context.traceKitSpanContext = remote
    }

    public func inject<Carrier, Inject>(
        _ context: InstrumentationContext,
        into carrier: inout Carrier,
        using injector: Inject
    ) where Inject: Injector, Inject.Carrier == Carrier {
        guard let spanContext = InstrumentationContext.resolvedSpanContext(in: context).context,
            spanContext.traceID.isValid
        else { return }
        injector.inject(spanContext.traceparent, forKey: Self.traceparentHeader, into: &carrier)
        if spanContext.samplingThreshold != 0 {
            injector.inject(
                SamplingTraceState.value(threshold: spanContext.samplingThreshold), forKey: Self.tracestateHeader,
                into: &carrier)
        }
    }
}
