// The swift-metrics handler objects that write into TraceKit registry series.

import CoreMetrics
import TraceMetrics

/// A swift-metrics counter backed by a registry counter. Counters only go up: negative increments are ignored.
final class RegistryCounterHandler: CounterHandler {
    let counter: TraceMetrics.Counter
    init(_ counter: TraceMetrics.Counter) { self.counter = counter }
    func increment(by amount: Int64) {
        if amount > 0 { counter.increment(by: Int(amount)) }
    }
    /// Prometheus counters never go down (a scrape sees a reset only when the process restarts), so this is ignored.
    func reset() {}
}

/// A swift-metrics floating-point counter backed by a registry floating counter.
final class RegistryFloatingCounterHandler: FloatingPointCounterHandler {
    let counter: FloatingCounter
    init(_ counter: FloatingCounter) { self.counter = counter }
    func increment(by amount: Double) {
        if amount > 0 && amount.isFinite { counter.increment(by: amount) }
    }
    func reset() {}
}

/// A swift-metrics meter, or a non-aggregating recorder, backed by a registry gauge.
final class RegistryGaugeHandler: MeterHandler, RecorderHandler {
    let gauge: TraceMetrics.Gauge
    init(_ gauge: TraceMetrics.Gauge) { self.gauge = gauge }
    func set(_ value: Int64) { gauge.set(Double(value)) }
    func set(_ value: Double) { gauge.set(value) }
    func increment(by amount: Double) { gauge.increment(by: amount) }
    func decrement(by amount: Double) { gauge.decrement(by: amount) }
    func record(_ value: Int64) { gauge.set(Double(value)) }
    func record(_ value: Double) { gauge.set(value) }
}

/// A swift-metrics aggregating recorder backed by a registry histogram.
final class RegistryHistogramHandler: RecorderHandler {
    let histogram: Histogram
    init(_ histogram: Histogram) { self.histogram = histogram }
    func record(_ value: Int64) { histogram.observe(Double(value)) }
    func record(_ value: Double) { histogram.observe(value) }
}

/// A swift-metrics timer backed by a registry histogram in seconds.
final class RegistryTimerHandler: TimerHandler {
    let histogram: Histogram
    init(_ histogram: Histogram) { self.histogram = histogram }
    func recordNanoseconds(_ duration: Int64) { histogram.observe(Double(max(duration, 0)) / 1_000_000_000) }
}

/// What a handler whose registration failed records into: nothing (the failure was reported by the factory).
final class RejectedMetricHandler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler,
    TimerHandler
{
    func increment(by amount: Int64) {}
    func increment(by amount: Double) {}
    func decrement(by amount: Double) {}
    func reset() {}
    func set(_ value: Int64) {}
    func set(_ value: Double) {}
    func record(_ value: Int64) {}
    func record(_ value: Double) {}
    func recordNanoseconds(_ duration: Int64) {}
}
