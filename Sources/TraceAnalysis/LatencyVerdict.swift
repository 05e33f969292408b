// LatencyVerdict: what a latency diff concludes for one span name, and what CI should do about it.

/// The conclusion of a `LatencyDiff` for one span name.
///
/// ```swift
/// if diff.verdict == .slower { exitStatus = 1 }
/// ```
public enum LatencyVerdict: String, Hashable, Sendable, CaseIterable {
    /// The median grew by at least both thresholds and the difference is significant (adjusted p < alpha).
    case slower
    /// The median shrank by at least both thresholds and the difference is significant (adjusted p < alpha).
    case faster
    /// Not significant, or significant but smaller than a threshold.
    case unchanged
    /// Too few samples on one side (or the name exists on one side only) to say anything.
    case insufficientData
}
