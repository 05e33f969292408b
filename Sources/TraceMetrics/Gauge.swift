// A gauge series: a value that goes up and down.

import Synchronization

/// One series of a gauge: a current value that can be set, raised and lowered.
///
/// ```swift
/// let active = try registry.gauge("backend_apps_active", help: "Applications running.")
/// active.set(3)
/// active.increment()
/// ```
public final class Gauge: Sendable {
    let bits = Atomic<UInt64>(0)

    init() {}

    /// Sets the value.
    ///
    /// ```swift
    /// uptime.set(12.5)
    /// ```
    @inline(__always)
    public func set(_ value: Double) {
        bits.storeDouble(value)
    }

    /// Adds `amount` (default 1).
    ///
    /// ```swift
    /// inFlight.increment()
    /// ```
    @inline(__always)
    public func increment(by amount: Double = 1) {
        bits.addDouble(amount)
    }

    /// Subtracts `amount` (default 1).
    ///
    /// ```swift
    /// inFlight.decrement()
    /// ```
    @inline(__always)
    public func decrement(by amount: Double = 1) {
        bits.addDouble(-amount)
    }

    /// The current value.
    ///
    /// ```swift
    /// print(active.value)
    /// ```
    public var value: Double { bits.loadDouble() }
}
