// Sampler: the head-sampling decision for root spans; children follow their parent.

/// Decides whether a new root span (and so its whole trace) is recorded.
///
/// Child spans always follow their parent's decision, also for a parent from a remote `traceparent`,
/// so all spans of a trace share one decision.
///
/// ```swift
/// TraceConfiguration(service: "api", sampler: .ratio(0.1))   // keep 10% of traces
/// ```
public struct Sampler: Hashable, Sendable {
    @usableFromInline
    enum Mode: Hashable, Sendable {
        case always
        case never
        /// Sample when the low 56 bits of the trace id are at least the rejection threshold (OpenTelemetry's
        /// consistent probability sampling: `th` in `tracestate`).
        case ratio(threshold: UInt64)
    }

    @usableFromInline
    let mode: Mode

    @usableFromInline
    init(mode: Mode) { self.mode = mode }

    /// Records every trace.
    public static let always = Sampler(mode: .always)
    /// Records no trace. Spans then cost almost nothing and no context is propagated.
    public static let never = Sampler(mode: .never)

    /// Records the given fraction of traces, decided by the trace id as OpenTelemetry's consistent probability
    /// sampling does: a trace is kept when the 56 random low bits of its id (W3C Trace Context level 2) are at
    /// least the rejection threshold `(1 - ratio) * 2^56`, so every process that sees the same trace id and
    /// ratio makes the same decision. The ratio is clamped to 0...1.
    ///
    /// Each recorded span carries the threshold (`SpanRecord.samplingThreshold`, OpenTelemetry's `th`), so the
    /// analyzer can count it as the `1 / ratio` spans it stands for (`SpanRecord.adjustedCount`).
    public static func ratio(_ ratio: Double) -> Sampler {
        guard ratio.isFinite, ratio > 0 else { return Sampler(mode: .ratio(threshold: Self.maxThreshold)) }
        guard ratio < 1 else { return .always }
        // As OpenTelemetry's reference samplers compute it: 2^56 minus the kept part, rounded.
        let kept = max(1, UInt64((ratio * Double(Self.maxThreshold)).rounded()))
        return Sampler(mode: .ratio(threshold: Self.maxThreshold - kept))
    }

    /// 2^56: the threshold that rejects every trace.
    public static let maxThreshold: UInt64 = 1 << 56

    /// The rejection threshold a recorded root span of this sampler carries (0: every trace is kept).
    @inlinable
    public var threshold: UInt64 {
        switch mode {
        case .always, .never: return 0
        case .ratio(let threshold): return threshold
        }
    }

    /// Whether a root span of trace `traceID` is recorded.
    @inlinable
    public func shouldSample(_ traceID: TraceID) -> Bool {
        switch mode {
        case .always: return true
        case .never: return false
        case .ratio(let threshold): return traceID.low & 0x00FF_FFFF_FFFF_FFFF >= threshold
        }
    }

    /// Whether an unsampled root must still propagate its context, so that its children agree with it.
    @inlinable
    var propagatesUnsampledRoots: Bool {
        if case .never = mode { return false }
        return true
    }
}
