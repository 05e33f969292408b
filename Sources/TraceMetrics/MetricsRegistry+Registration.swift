// The registry's typed registration methods: counters, gauges, histograms and summaries, with or without labels.

extension MetricsRegistry {
    /// Registers (or returns) an unlabelled integer counter. A trailing `_total` in `name` is optional:
    /// the samples are always written as `name_total`.
    ///
    /// ```swift
    /// let denied = try registry.counter("kernel_syscall_permission_denied_total", help: "Denied syscalls.")
    /// denied.increment()
    /// ```
    public func counter(_ name: String, help: String, unit: String = "") throws(MetricsRegistryError) -> Counter {
        try counterFamily(name, help: help, unit: unit, labelNames: []).labels([:])
    }

    /// Registers (or returns) a family of integer counters with the given label names.
    ///
    /// ```swift
    /// let calls = try registry.counterFamily("ai_llm_calls_total", help: "LLM calls.", labelNames: ["model"])
    /// try calls.labels(["model": "small"]).increment()
    /// ```
    public func counterFamily(
        _ name: String, help: String, unit: String = "", labelNames: [String], seriesLimit: Int? = nil
    ) throws(MetricsRegistryError) -> CounterFamily {
        let descriptor = try descriptor(
            name, type: .counter, kind: .counter, help: help, unit: unit, labelNames: labelNames)
        return try register(
            descriptor, seriesLimit: seriesLimit, makeSeries: { Counter() }, record: RegisteredFamily.counters)
    }

    /// Registers (or returns) an unlabelled floating-point counter.
    ///
    /// ```swift
    /// let busy = try registry.floatingCounter("worker_busy_seconds_total", help: "Busy time.", unit: "seconds")
    /// busy.increment(by: 0.25)
    /// ```
    public func floatingCounter(
        _ name: String, help: String, unit: String = ""
    ) throws(MetricsRegistryError) -> FloatingCounter {
        try floatingCounterFamily(name, help: help, unit: unit, labelNames: []).labels([:])
    }

    /// Registers (or returns) a family of floating-point counters.
    ///
    /// ```swift
    /// let cost = try registry.floatingCounterFamily("ai_llm_cost_dollars_total", help: "Spend.", unit: "dollars",
    ///                                               labelNames: ["model"])
    /// ```
    public func floatingCounterFamily(
        _ name: String, help: String, unit: String = "", labelNames: [String], seriesLimit: Int? = nil
    ) throws(MetricsRegistryError) -> FloatingCounterFamily {
        let descriptor = try descriptor(
            name, type: .counter, kind: .floatingCounter, help: help, unit: unit, labelNames: labelNames)
        return try register(
            descriptor, seriesLimit: seriesLimit, makeSeries: { FloatingCounter() },
            record: RegisteredFamily.floatingCounters)
    }

    /// Registers (or returns) an unlabelled gauge.
    ///
    /// ```swift
    /// let uptime = try registry.gauge("kernel_uptime_seconds", help: "Uptime.", unit: "seconds")
    /// uptime.set(42)
    /// ```
    public func gauge(_ name: String, help: String, unit: String = "") throws(MetricsRegistryError) -> Gauge {
        try gaugeFamily(name, help: help, unit: unit, labelNames: []).labels([:])
    }

    /// Registers (or returns) a family of gauges.
    ///
    /// ```swift
    /// let vitals = try registry.gaugeFamily("ui_webvitals_cls", help: "Layout shift.", labelNames: ["page"])
    /// ```
    public func gaugeFamily(
        _ name: String, help: String, unit: String = "", labelNames: [String], seriesLimit: Int? = nil
    ) throws(MetricsRegistryError) -> GaugeFamily {
        let descriptor = try descriptor(
            name, type: .gauge, kind: .gauge, help: help, unit: unit, labelNames: labelNames)
        return try register(
            descriptor, seriesLimit: seriesLimit, makeSeries: { Gauge() }, record: RegisteredFamily.gauges)
    }

    /// Registers (or returns) an unlabelled histogram; buckets default to ``HistogramBuckets/prometheusDefault``.
    ///
    /// ```swift
    /// let latency = try registry.histogram("ai_ui_duration_seconds", help: "UI generation.", unit: "seconds")
    /// latency.observe(1.2)
    /// ```
    public func histogram(
        _ name: String, help: String, unit: String = "", buckets: [Double] = HistogramBuckets.prometheusDefault
    ) throws(MetricsRegistryError) -> Histogram {
        try histogramFamily(name, help: help, unit: unit, labelNames: [], buckets: buckets).labels([:])
    }

    /// Registers (or returns) a family of histograms sharing one bucket layout.
    ///
    /// ```swift
    /// let durations = try registry.histogramFamily("backend_http_request_duration_seconds", help: "Latency.",
    ///                                              unit: "seconds", labelNames: ["method", "path"])
    /// try durations.labels(["method": "GET", "path": "/apps"]).observe(0.012)
    /// ```
    public func histogramFamily(
        _ name: String, help: String, unit: String = "", labelNames: [String],
        buckets: [Double] = HistogramBuckets.prometheusDefault, seriesLimit: Int? = nil
    ) throws(MetricsRegistryError) -> HistogramFamily {
        var descriptor = try descriptor(
            name, type: .histogram, kind: .histogram, help: help, unit: unit, labelNames: labelNames)
        let bounds = try HistogramBuckets.validated(buckets, metric: name)
        descriptor.buckets = bounds
        return try register(
            descriptor, seriesLimit: seriesLimit, makeSeries: { Histogram(upperBounds: bounds) },
            record: RegisteredFamily.histograms)
    }

    /// Registers (or returns) an unlabelled summary whose quantiles come from a ``DDSketch``.
    ///
    /// ```swift
    /// let sizes = try registry.summary("response_size_bytes", help: "Sizes.", unit: "bytes")
    /// sizes.observe(1_532)
    /// ```
    public func summary(
        _ name: String, help: String, unit: String = "", quantiles: [Double] = [0.5, 0.9, 0.95, 0.99],
        relativeAccuracy: Double = 0.01
    ) throws(MetricsRegistryError) -> Summary {
        try summaryFamily(
            name, help: help, unit: unit, labelNames: [], quantiles: quantiles, relativeAccuracy: relativeAccuracy
        ).labels([:])
    }

    /// Registers (or returns) a family of summaries. Exported quantiles are within `relativeAccuracy`
    /// (relative error) of the exact ones; see ``DDSketch``.
    ///
    /// ```swift
    /// let tokens = try registry.summaryFamily("ai_llm_tokens", help: "Tokens per call.", labelNames: ["model"])
    /// ```
    public func summaryFamily(
        _ name: String, help: String, unit: String = "", labelNames: [String],
        quantiles: [Double] = [0.5, 0.9, 0.95, 0.99], relativeAccuracy: Double = 0.01, seriesLimit: Int? = nil
    ) throws(MetricsRegistryError) -> SummaryFamily {
        var descriptor = try descriptor(
            name, type: .summary, kind: .summary, help: help, unit: unit, labelNames: labelNames)
        guard quantiles.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw .invalidSummaryConfiguration(metric: name, reason: "quantiles must lie in [0, 1]")
        }
        guard relativeAccuracy > 0 && relativeAccuracy < 1 else {
            throw .invalidSummaryConfiguration(metric: name, reason: "relative accuracy must lie in (0, 1)")
        }
        let sortedQuantiles = Array(Set(quantiles)).sorted()
        descriptor.quantiles = sortedQuantiles
        descriptor.relativeAccuracy = relativeAccuracy
        return try register(
            descriptor, seriesLimit: seriesLimit,
            makeSeries: { Summary(quantiles: sortedQuantiles, relativeAccuracy: relativeAccuracy) },
            record: RegisteredFamily.summaries)
    }
}
