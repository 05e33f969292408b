// SpanContextKey: TraceKit's span context stored in swift-distributed-tracing's InstrumentationContext.

import Instrumentation
import TraceKit

/// The key under which a TraceKit `SpanContext` travels in an `InstrumentationContext`.
public enum SpanContextKey: InstrumentationContextKey {
    public typealias Value = SpanContext
    public static var nameOverride: String? { "tracekit.span_context" }
}

extension InstrumentationContext {
    /// The TraceKit span context carried by this instrumentation context, if any.
    ///
    /// ```swift
    /// let traceID = InstrumentationContext.current?.traceKitSpanContext?.traceID
    /// ```
    public var traceKitSpanContext: SpanContext? {
        get { self[SpanContextKey.self] }
        set { self[SpanContextKey.self] = newValue }
    }
}

/// Keeps `InstrumentationContext.current` in step with TraceKit's own task-local, so `withSpan` and
/// `traceOperation` nest in each other in both directions.
struct InstrumentationContextCarrier: SpanContextCarrier {
    func currentSpanContext() -> SpanContext? {
        InstrumentationContext.current?.traceKitSpanContext
    }

    func withSpanContext<R>(_ context: SpanContext?, _ body: () -> R) -> R {
        var instrumentationContext = InstrumentationContext.current ?? .topLevel
        instrumentationContext.traceKitSpanContext = context
        return InstrumentationContext.$current.withValue(instrumentationContext, operation: body)
    }

    func withSpanContext<R>(
        _ context: SpanContext?,
        isolation: isolated (any Actor)?,
        _ body: () async -> R
    ) async -> R {
        var instrumentationContext = InstrumentationContext.current ?? .topLevel
        instrumentationContext.traceKitSpanContext = context
        return await InstrumentationContext.$current.withValue(
            instrumentationContext,
            operation: body,
            isolation: isolation
        )
    }
}
