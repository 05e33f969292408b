// A summary series: quantiles from a mergeable sketch, plus count and sum.

import Synchronization
import TraceSync

/// One series of a summary: observations go into a ``DDSketch`` so quantiles are exported with a
/// stated relative error. Quantiles cover every observation since the series was created.
///
/// ```swift
/// let sizes = try registry.summary("response_size_bytes", help: "Response sizes.", unit: "bytes")
/// sizes.observe(1_532)
/// ```
public final class Summary: Sendable {
    /// The quantiles written to the exposition, each in [0, 1].
    public let quantiles: [Double]
    let sketch: Locked<DDSketch>

    init(quantiles: [Double], relativeAccuracy: Double) {
        self.quantiles = quantiles
        sketch = Locked(DDSketch(relativeAccuracy: relativeAccuracy))
    }

    /// Records one observation.
    ///
    /// ```swift
    /// sizes.observe(1_532)
    /// ```
    public func observe(_ value: Double) {
        sketch.withLock { $0.add(value) }
    }

    /// A copy of the sketch, for merging or ad-hoc quantiles.
    ///
    /// ```swift
    /// let p90 = sizes.snapshot().quantile(0.9)
    /// ```
    public func snapshot() -> DDSketch {
        sketch.withLock { $0 }
    }
}
