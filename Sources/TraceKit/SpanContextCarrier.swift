// SpanContextCarrier: a second carrier of the current span context that TraceKit keeps in step, for bridges.

import Synchronization

/// Another API's notion of "the current span" that TraceKit reads and writes alongside its own task-local.
///
/// The swift-distributed-tracing bridge installs one (backed by `InstrumentationContext.current`), so that a
/// `traceOperation` inside `withSpan` is its child and a `withSpan` inside `traceOperation` is its child.
/// While a carrier is installed, every TraceKit span binds the carrier's context too; the carrier's current
/// context, when present, is the innermost one. With none installed this costs one atomic load per span.
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

    /// The current span context, the carrier's first when one is installed (it is the innermost).
    @inlinable
    static func currentParent() -> SpanContext? {
        if let carrier = contextCarrier, let context = carrier.currentSpanContext() { return context }
        return SpanContextStorage.taskLocal.get()
    }
}

@usableFromInline
final class CarrierBox: Sendable {
    @usableFromInline let carrier: any SpanContextCarrier
    init(_ carrier: any SpanContextCarrier) { self.carrier = carrier }
}

/// Binds `context` in TraceKit's task-local and, when one is installed, in the carrier.
@inlinable
func bindSpanContext<R>(_ context: SpanContext?, _ body: () -> R) -> R {
    guard let carrier = TraceSystem.contextCarrier else {
        return SpanContextStorage.taskLocal.withValue(context, operation: body)
    }
    return carrier.withSpanContext(context) { SpanContextStorage.taskLocal.withValue(context, operation: body) }
}

/// Binds `context` in TraceKit's task-local and, when one is installed, in the carrier, around an async body.
@inlinable
func bindSpanContext<R>(
    _ context: SpanContext?,
    isolation: isolated (any Actor)?,
    _ body: () async -> R
) async -> R {
    guard let carrier = TraceSystem.contextCarrier else {
        return await SpanContextStorage.taskLocal.withValue(context, operation: body, isolation: isolation)
    }
    return await carrier.withSpanContext(context, isolation: isolation) {
        await SpanContextStorage.taskLocal.withValue(context, operation: body, isolation: isolation)
    }
}
