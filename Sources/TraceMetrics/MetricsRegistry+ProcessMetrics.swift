// MetricsRegistry+ProcessMetrics: the process_* metrics client libraries expose by default, and a process uptime.

import TraceSync

extension MetricsRegistry {
    /// Adds the process metrics that Prometheus client libraries expose by default, read from /proc at every
    /// collection (Linux; elsewhere nothing is added):
    ///
    /// | metric | type |
    /// |---|---|
    /// | `process_cpu_seconds_total` | counter: user and system CPU time |
    /// | `process_resident_memory_bytes`, `process_virtual_memory_bytes` | gauge |
    /// | `process_open_fds`, `process_max_fds` | gauge: open descriptors, and the soft limit on them |
    /// | `process_start_time_seconds` | gauge: Unix time the process started |
    ///
    /// Names, types and help texts are those of Python's `prometheus_client` (`ProcessCollector`), which reads
    /// the same files; `process_cpu_seconds_total`'s OpenMetrics `_created` is the process start time. A second
    /// call on the same registry, or one after `process_cpu_seconds_total` was registered elsewhere, adds nothing.
    ///
    /// ```swift
    /// let registry = MetricsRegistry()
    /// try registry.exposeProcessMetrics()
    /// // alert: process_open_fds / process_max_fds > 0.8
    /// ```
    ///
    /// - Throws: `MetricsRegistryError` when one of the names is already registered differently (the others are
    ///   exposed all the same).
    public func exposeProcessMetrics() throws(MetricsRegistryError) {
        #if os(Linux)
            // Once per registry: a second call (a second endpoint on the same registry) would read /proc twice.
            if state.withLock({ $0.byName["process_cpu_seconds"] != nil }) { return }
            let startTime = ProcessStatistics.read().startTimeSeconds ?? clock.now()
            // Each family on its own: one that conflicts with an application's registration is left to it, the others
            // are still exposed and kept current; the first conflict is thrown at the end.
            var conflict: MetricsRegistryError?
            var cpu: FloatingCounter?
            do throws(MetricsRegistryError) {
                let cpuDescriptor = try descriptor(
                    "process_cpu_seconds_total", type: .counter, kind: .floatingCounter,
                    help: "Total user and system CPU time spent in seconds.", unit: "", labelNames: [])
                // The counter started with the process: say so in `_created`, whatever this registry's clock says.
                cpu = try register(
                    cpuDescriptor, seriesLimit: nil, clock: .fixed(startTime), makeSeries: { FloatingCounter() },
                    record: RegisteredFamily.floatingCounters
                ).labels([:])
            } catch {
                conflict = error
            }
            let gaugeFields: [(String, String, KeyPath<ProcessStatistics, Double?> & Sendable)] = [
                ("process_virtual_memory_bytes", "Virtual memory size in bytes.", \.virtualMemoryBytes),
                ("process_resident_memory_bytes", "Resident memory size in bytes.", \.residentMemoryBytes),
                (
                    "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                    \.startTimeSeconds
                ),
                ("process_open_fds", "Number of open file descriptors.", \.openFileDescriptors),
                ("process_max_fds", "Maximum number of open file descriptors.", \.maximumFileDescriptors),
            ]
            var gauges: [(Gauge, KeyPath<ProcessStatistics, Double?> & Sendable)] = []
            for (name, help, field) in gaugeFields {
                do throws(MetricsRegistryError) {
                    gauges.append((try gauge(name, help: help), field))
                } catch {
                    conflict = conflict ?? error
                }
            }
            // The lock keeps two concurrent scrapes from storing CPU readings out of order.
            let collecting = Locked(())
            onCollect { [gauges, cpu] in
                collecting.withLock { _ in
                    let now = ProcessStatistics.read()
                    if let cpu, let seconds = now.cpuSeconds, seconds > cpu.value { cpu.bits.storeDouble(seconds) }
                    for (gauge, field) in gauges {
                        if let value = now[keyPath: field] { gauge.set(value) }
                    }
                }
            }
            if let conflict { throw conflict }
        #endif
    }

    /// Adds a gauge of the seconds since this process started (from /proc, so it counts from the process start,
    /// not from this call), refreshed at every collection; Linux only. The seed's `kernel_uptime_seconds` is this
    /// gauge in the agent kernel's process.
    ///
    /// ```swift
    /// try registry.exposeProcessUptime(as: "kernel_uptime_seconds", help: "Seconds since the kernel started.")
    /// ```
    ///
    /// - Throws: `MetricsRegistryError` when `name` is already registered differently or is not a valid name.
    public func exposeProcessUptime(
        as name: String = "process_uptime_seconds", help: String = "Seconds since the process started."
    ) throws(MetricsRegistryError) {
        #if os(Linux)
            let uptime = try gauge(name, help: help, unit: name.hasSuffix("_seconds") ? "seconds" : "")
            guard let startTime = ProcessStatistics.read().startTimeSeconds else { return }
            let wallClock = MetricsClock.system
            onCollect { uptime.set(max(0, wallClock.now() - startTime)) }
        #endif
    }
}
