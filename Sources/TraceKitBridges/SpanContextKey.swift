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

extension InstrumentationContext {
    /// The current instrumentation context with TraceKit's current span in it: `InstrumentationContext.current`,
    /// or a top-level context, carrying the span of the innermost `traceOperation` when that is deeper than the
    /// one `current` carries.
    ///
    /// `traceOperation` binds only TraceKit's own task-local (binding both would cost several allocations per
    /// span), so inside it `InstrumentationContext.current` still carries the enclosing `withSpan`'s span.
    /// `withSpan`, `inject` and `SpanContext.current` resolve this themselves; use `traceKitCurrent` where an
    /// instrumentation context is captured to be used elsewhere:
    ///
    /// ```swift
    /// let context = InstrumentationContext.traceKitCurrent
    /// Task.detached { withSpan("cleanup", context: context) { _ in cleanUp() } }
    /// ```
    public static var traceKitCurrent: InstrumentationContext {
        var context = InstrumentationContext.current ?? .topLevel
        let (resolved, _) = resolvedSpanContext(in: context)
        if resolved != context.traceKitSpanContext || resolved?.nesting != context.traceKitSpanContext?.nesting {
            context.traceKitSpanContext = resolved
        }
        return context
    }

    /// The span context to treat as the parent for `context`, and the depth a new span must exceed.
    ///
    /// When `context` is the current instrumentation context (as `withSpan` passes by default) and TraceKit's own
    /// task-local holds a deeper span (a `traceOperation` inside the `withSpan`), that span is the parent. A
    /// context passed explicitly (any other) is honoured as given.
    static func resolvedSpanContext(in context: InstrumentationContext) -> (context: SpanContext?, depth: UInt32) {
        let given = context.traceKitSpanContext
        guard let own = TraceSystem.ownCurrentSpanContext else { return (given, given?.nesting ?? 0) }
        let current = InstrumentationContext.current?.traceKitSpanContext
        let depth = max(own.nesting, given?.nesting ?? 0, current?.nesting ?? 0)
        let givenIsCurrent = given == current && given?.nesting == current?.nesting
        guard givenIsCurrent, own.nesting > (given?.nesting ?? 0) else { return (given, depth) }
        return (own, depth)
    }
}

/// Exposes `InstrumentationContext.current` to TraceKit, so `withSpan` and `traceOperation` nest in each other in
/// both directions, and binds it for `withSpanContext`.
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
