// TraceConfiguration: everything a TraceRecorder needs: resource, sinks, sampler, limits.

/// How spans are recorded: who produces them, where they go, which are kept, and how big they may be.
///
/// ```swift
/// let collector = InMemorySpanSink()
/// try TraceSystem.bootstrap(TraceConfiguration(service: "agent-kernel", sinks: [collector], sampler: .ratio(0.25)))
/// ```
public struct TraceConfiguration: Sendable {
    /// The service, host and process the spans come from.
    public var resource: Resource
    /// Where finished spans go, in order.
    public var sinks: [any SpanSink]
    /// Which root spans (and so traces) are recorded.
    public var sampler: Sampler
    /// Bounds per span.
    public var limits: SpanLimits
    /// When the process exits without `shutdown()` (returning from `main`, or `exit`), how long an exit hook
    /// waits for the bootstrapped recorder's sinks to write what they hold (default 5 s); `nil` turns the hook
    /// off. A sink still busy at the deadline is abandoned, so a stuck disk cannot hold the exit up.
    public var shutdownTimeoutAtExit: Duration? = .seconds(5)

    /// Creates a configuration for `service`.
    public init(
        service: String,
        sinks: [any SpanSink] = [],
        sampler: Sampler = .always,
        limits: SpanLimits = SpanLimits()
    ) {
        self.init(resource: Resource(serviceName: service), sinks: sinks, sampler: sampler, limits: limits)
    }

    /// Creates a configuration with a fully specified resource.
    public init(
        resource: Resource,
        sinks: [any SpanSink] = [],
        sampler: Sampler = .always,
        limits: SpanLimits = SpanLimits()
    ) {
        self.resource = resource
        self.sinks = sinks
        self.sampler = sampler
        self.limits = limits
    }
}
