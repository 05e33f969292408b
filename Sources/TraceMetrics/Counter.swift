// An integer counter series: one relaxed atomic add per increment.

import Synchronization

/// One series of an integer counter: a value that only goes up.
///
/// Get it from ``MetricsRegistry/counter(_:help:unit:)`` for an unlabelled counter, or bind it once from a
/// family with ``MetricFamily/labels(_:)`` and keep the handle: incrementing it is a single relaxed atomic add.
///
/// ```swift
/// let requests = try registry.counterFamily("backend_http_requests_total", help: "HTTP requests.",
///                                           labelNames: ["method", "status"])
/// let getOK = try requests.labels(["method": "GET", "status": "200"])
/// getOK.increment()
/// ```
public final class Counter: Sendable {
    let storage = Atomic<Int>(0)

    init() {}

    /// Adds one.
    ///
    /// ```swift
    /// counter.increment()
    /// ```
    @inline(__always)
    public func increment() {
        storage.wrappingAdd(1, ordering: .relaxed)
    }

    /// Adds `amount`; a negative amount is ignored, since a counter never goes down.
    ///
    /// ```swift
    /// bytesCounter.increment(by: 512)
    /// ```
    @inline(__always)
    public func increment(by amount: Int) {
        if amount > 0 { storage.wrappingAdd(amount, ordering: .relaxed) }
    }

    /// The current total.
    ///
    /// ```swift
    /// print(counter.value)
    /// ```
    public var value: Int { storage.load(ordering: .relaxed) }
}
