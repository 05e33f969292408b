// SpanContextCarrier: a second carrier of the current span context that TraceKit keeps in step, for bridges.

import Synchronization

/// Another API's notion of "the current span" that TraceKit reads alongside its own task-local.
///
/// The swift-distributed-tracing bridge installs one (backed by `InstrumentationContext.current`), so that a
/// `traceOperation` inside `withSpan` is its child and a `withSpan` inside `traceOperation` is its child.
///
/// A span started by `traceOperation` binds only TraceKit's task-local, which is cheap; binding the other API's
/// context too would cost several allocations per span. The current span is then the deeper of the two
/// contexts (each context records how deep it was bound, ``SpanContext/nesting``). `withSpanContext(_:_:)`,
/// which is rare, binds both. With no carrier installed this costs one atomic load per span.
public protocol SpanContextCarrier: Sendable {
    /// The span context the other API considers current, if any.
    func currentSpanContext() -> SpanContext?
    /// Runs `body` with `context` current in the other API (`nil`: no current span there).
    func withSpanContext<R>(_ context: SpanContext?, _ body: () -> R) -> R
    /// Runs the async `body` with `context` current in the other API (`nil`: no current span there).
    func withSpanContext<R>(
        _ context: SpanContext?,
        isolation: isolated (any Actor)?,
        _ body: () async -> R
    ) async -> R
}

extension TraceSystem {
    /// The installed carrier's storage; intentionally never released, like the bootstrapped recorder.
    @usableFromInline static let carrierBits = Atomic<UInt>(0)

    /// Installs `carrier` for the process. The first installation wins; later calls return `false`.
    @discardableResult
    public static func installContextCarrier(_ carrier: any SpanContextCarrier) -> Bool {
        let box = CarrierBox(carrier)
        let bits = UInt(bitPattern: Unmanaged.passRetained(box).toOpaque())
        let (exchanged, _) = carrierBits.compareExchange(expected: 0, desired: bits, ordering: .acquiringAndReleasing)
        if !exchanged, let pointer = UnsafeRawPointer(bitPattern: bits) {
            Unmanaged<CarrierBox>.fromOpaque(pointer).release()
        }
        return exchanged
    }

    /// The installed carrier, if any.
    @inlinable
    static var contextCarrier: (any SpanContextCarrier)? {
        guard let pointer = UnsafeRawPointer(bitPattern: carrierBits.load(ordering: .acquiring)) else { return nil }
        return Unmanaged<CarrierBox>.fromOpaque(pointer).takeUnretainedValue().carrier
    }

    /// The current span context: TraceKit's own, or the carrier's when that one is deeper (bound later, inside).
    @inlinable
    static func currentParent() -> SpanContext? {
        let own = SpanContextStorage.taskLocal.get()
        guard let carrier = contextCarrier, let other = carrier.currentSpanContext() else { return own }
        guard let own, own.nesting >= other.nesting else { return other }
        return own
    }

    /// The span context in TraceKit's own task-local, ignoring any carrier: for bridges that resolve the
    /// current span themselves.
    package static var ownCurrentSpanContext: SpanContext? {
        SpanContextStorage.taskLocal.get()
    }
}

@usableFromInline
final class CarrierBox: Sendable {
    @usableFromInline let carrier: any SpanContextCarrier
    init(_ carrier: any SpanContextCarrier) { self.carrier = carrier }
}

/// Binds a new span's `context` in TraceKit's task-local only (the carrier, if any, is consulted when reading).
@inlinable
func bindSpanContext<R>(_ context: SpanContext?, _ body: () -> R) -> R {
    SpanContextStorage.taskLocal.withValue(context, operation: body)
}

/// Binds a new span's `context` in TraceKit's task-local only, around an async body.
@inlinable
func bindSpanContext<R>(
    _ context: SpanContext?,
    isolation: isolated (any Actor)?,
    _ body: () async -> R
) async -> R {
    await SpanContextStorage.taskLocal.withValue(context, operation: body, isolation: isolation)
}

/// `context`, made deeper than every context visible here, so that it is the current one where it is bound.
@usableFromInline
func deepest(_ context: SpanContext?) -> SpanContext? {
    guard var context else { return nil }
    let own = SpanContextStorage.taskLocal.get()?.nesting ?? 0
    let other = TraceSystem.contextCarrier?.currentSpanContext()?.nesting ?? 0
    context.nesting = max(own, other) &+ 1
    return context
}

/// Binds a context given by the user (`withSpanContext`) in TraceKit's task-local and in the carrier, if any.
@inlinable
func bindSpanContextEverywhere<R>(_ context: SpanContext?, _ body: () -> R) -> R {
    guard let carrier = TraceSystem.contextCarrier else {
        return SpanContextStorage.taskLocal.withValue(context, operation: body)
    }
    let bound = deepest(context)
    return carrier.withSpanContext(bound) { SpanContextStorage.taskLocal.withValue(bound, operation: body) }
}

/// Binds a context given by the user (`withSpanContext`) in TraceKit's task-local and in the carrier, if any,
/// around an async body.
@inlinable
func bindSpanContextEverywhere<R>(
    _ context: SpanContext?,
    isolation: isolated (any Actor)?,
    _ body: () async -> R
) async -> R {
    guard let carrier = TraceSystem.contextCarrier else {
        return await SpanContextStorage.taskLocal.withValue(context, operation: body, isolation: isolation)
    }
    let bound = deepest(context)
    return await carrier.withSpanContext(bound, isolation: isolation) {
        await SpanContextStorage.taskLocal.withValue(bound, operation: body, isolation: isolation)
    }
}
