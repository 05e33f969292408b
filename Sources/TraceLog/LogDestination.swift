// LogDestination: one-line set-up of a recorder that writes to a trace log: TraceConfiguration(service:log:).

import TraceKit

/// Where a `TraceConfiguration` made with `log:` writes its spans.
///
/// ```swift
/// try TraceSystem.bootstrap(TraceConfiguration(service: "agent-kernel", log: .file("/var/log/agent/kernel.tklog")))
/// ```
public enum LogDestination: Sendable {
    /// A trace log file at this path, written by a `LogWriter` with these options.
    case file(String, options: LogWriterOptions = LogWriterOptions())
}

extension TraceConfiguration {
    /// A configuration whose first sink is a `LogWriter` for `log`, with `sinks` after it.
    ///
    /// When the configuration is bootstrapped the writer stores the recorder's ids as small counters.
    /// `TraceSystem.recorder?.shutdown()` at exit seals the last block and writes the end-of-file marker.
    ///
    /// ```swift
    /// try TraceSystem.bootstrap(TraceConfiguration(service: "agent-kernel", log: .file("/var/log/kernel.tklog")))
    /// ```
    /// - Throws: `TraceLogError.cannotOpen` when the log file cannot be opened or created.
    public init(
        service: String,
        log: LogDestination,
        sinks: [any SpanSink] = [],
        sampler: Sampler = .always,
        limits: SpanLimits = SpanLimits()
    ) throws(TraceLogError) {
        let resource = Resource(serviceName: service)
        switch log {
        case .file(let path, let options):
            let writer = try LogWriter(path: path, resource: resource, options: options)
            self.init(resource: resource, sinks: [writer] + sinks, sampler: sampler, limits: limits)
        }
    }

    /// The log writers among the sinks, for `flush()` and statistics.
    public var logWriters: [LogWriter] { sinks.compactMap { $0 as? LogWriter } }
}
