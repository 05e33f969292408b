// A floating-point counter series, for totals that are not whole numbers (seconds, cost).

import Synchronization

/// One series of a floating-point counter: a value that only goes up, by any non-negative amount.
///
/// ```swift
/// let cpu = try registry.floatingCounter("process_cpu_seconds_total", help: "CPU time.", unit: "seconds")
/// cpu.increment(by: 0.25)
/// ```
public final class FloatingCounter: Sendable {
    let bits = Atomic<UInt64>(0)

    init() {}

    /// Adds `amount`; negative amounts and NaN are ignored, since a counter never goes down.
    ///
    /// ```swift
    /// cost.increment(by: 0.002)
    /// ```
    @inline(__always)
    public func increment(by amount: Double) {
        if amount > 0 { bits.addDouble(amount) }
    }

    /// The current total.
    ///
    /// ```swift
    /// print(cpu.value)
    /// ```
    public var value: Double { bits.loadDouble() }
}
