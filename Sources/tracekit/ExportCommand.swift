// ExportCommand: `tracekit export`: a log as Chrome trace event JSON (Perfetto) or OTLP JSON.

import ArgumentParser
import Foundation
import TraceExport
import TraceKit

/// `tracekit export PATH --format chrome|otlp-json [--output OUT]` or `tracekit export PATH --otlp URL
/// [--protocol P] [--header NAME=VALUE]... [--compression gzip|none]`.
struct ExportCommand: TracekitSubcommand {
    /// The formats `export` writes.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case chrome
        case otlpJSON = "otlp-json"
    }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract:
            "Convert a log to Chrome trace JSON (open in Perfetto) or OTLP JSON, or send it to an OTLP collector.",
        discussion: """
            chrome: trace event JSON with one complete event (ph "X") per span, loadable in ui.perfetto.dev \
            and chrome://tracing. otlp-json: one ExportTraceServiceRequest in the OTLP/JSON encoding (ids as \
            hex), for an OpenTelemetry Collector's /v1/traces. --otlp URL sends the spans there instead \
            (OTLP/HTTP, protobuf unless --protocol http/json, 512 spans a request, retried on 429/502/503/504 and \
            connection errors, honouring Retry-After), e.g. http://127.0.0.1:4318/v1/traces. The OTEL_EXPORTER_OTLP_* \
            variables (TRACES_ or general: PROTOCOL, HEADERS, COMPRESSION, TIMEOUT) apply where no flag is given; \
            headers are best given that way, since a command line is visible to other users.
            """
    )

    @Argument(help: "A log file or a directory of .tklog files.")
    var path: String

    @Option(help: "The output format: chrome or otlp-json.")
    var format: Format?

    @Option(help: "Send the spans to this OTLP/HTTP endpoint instead of writing a file.")
    var otlp: String?

    @Option(
        name: .customLong("protocol"),
        help: "With --otlp: http/protobuf (default) or http/json (grpc is not supported yet).")
    var otlpProtocol: String?

    @Option(name: .customLong("header"), help: "With --otlp: a request header NAME=VALUE (repeatable).")
    var headers: [String] = []

    @Option(help: "With --otlp: gzip or none (default) request compression.")
    var compression: String?

    @Option(name: .shortAndLong, help: "Write here instead of stdout.")
    var output: String?

    @OptionGroup var progressOption: ProgressOption

    func validate() throws {
        if (format == nil) == (otlp == nil) {
            throw ValidationError("give exactly one of --format (write a file) and --otlp URL (send the spans)")
        }
        if otlp != nil, output != nil {
            throw ValidationError("--output goes with --format, not with --otlp")
        }
        if otlp == nil, otlpProtocol != nil || !headers.isEmpty || compression != nil {
            throw ValidationError("--protocol, --header and --compression go with --otlp")
        }
        if let otlpProtocol, OTLPProtocol(rawValue: otlpProtocol) == nil {
            throw ValidationError("--protocol is http/protobuf, http/json or grpc, not '\(otlpProtocol)'")
        }
        if let compression, OTLPCompression(rawValue: compression) == nil {
            throw ValidationError("--compression is gzip or none, not '\(compression)'")
        }
        for header in headers where !header.contains("=") || header.hasPrefix("=") {
            throw ValidationError("--header wants NAME=VALUE, such as --header 'authorization=Bearer TOKEN'")
        }
    }

    /// The exporter settings: the flags, then the OTEL_EXPORTER_OTLP_* variables for what the flags leave open.
    func exporterConfiguration(endpoint: String) -> OTLPExporterConfiguration {
        var given: [String: String] = [:]
        for header in headers {
            let parts = header.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            given[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return OTLPExporterConfiguration.fromEnvironment(
            endpoint: endpoint, protocol: otlpProtocol.flatMap(OTLPProtocol.init(rawValue:)), headers: given,
            compression: compression.flatMap(OTLPCompression.init(rawValue:)),
            onWarning: { StandardError.write("warning: \($0)\n") })
    }

    /// The resource of the spans: that of the first file header read (past damage), or "unknown".
    private static func resource(_ first: Resource?) -> Resource {
        first ?? Resource(serviceName: "unknown")
    }

    func execute() throws(CLIError) -> Int32 {
        if let otlp { return try send(to: otlp) }
        let (spans, run) = LogInput.spans(LogSources([path]), progress: progressOption.progress)
        try run.requireSomethingRead()
        let resource = Self.resource(run.files.lazy.compactMap(\.resource).first)
        let bytes: [UInt8]
        switch format {
        case .chrome: bytes = ChromeTraceEncoder.json(resource: resource, spans: spans)
        case .otlpJSON, nil: bytes = OTLPJSONEncoder.exportRequest(resource: resource, spans: spans)
        }
        try OutputFile.write(bytes, to: output)
        return try run.finish()
    }

    /// The spans sent as they are read, one request at a time, so memory does not grow with the log; reading
    /// stops at the first request that fails for good. The resource is that of the first file header read before
    /// the first request goes out (a header comes before the spans it describes).
    private func send(to url: String) throws(CLIError) -> Int32 {
        let transport: OTLPHTTPTransport
        do {
            transport = try OTLPHTTPTransport(configuration: exporterConfiguration(endpoint: url))
        } catch {
            throw CLIError.exportFailed(url: url, reason: String(describing: error))
        }
        var firstResource: Resource?
        var requestResource: Resource?
        var pending: [SpanRecord] = []
        var sent = 0
        var rejected = 0
        var rejection: OTLPPartialSuccess?
        var failure: OTLPExportError?
        let requestSize = max(1, OTLPSpanExporter.Options().batchSize)
        /// Sends full requests (and, when `all`, the rest), counting only the spans of requests that succeeded.
        func flush(all: Bool) {
            let resource = requestResource ?? Self.resource(firstResource)
            requestResource = resource
            var start = 0
            while failure == nil, pending.count - start >= (all ? 1 : requestSize) {
                let end = min(pending.count, start + requestSize)
                do {
                    let counts = try OTLPSpanExporter.export(
                        pending[start..<end], resource: resource, transport: transport
                    ) { rejection = $0 }
                    sent += counts.exported
                    rejected += counts.rejected
                } catch {
                    failure = error
                }
                start = end
            }
            pending.removeFirst(start)
        }
        let run = LogInput.readBatches(
            LogSources([path]), progress: progressOption.progress, until: { failure != nil },
            onHeader: { header in
                if firstResource == nil { firstResource = header.resource }
            }
        ) { batch in
            for index in 0..<batch.count { pending.append(batch.record(at: index)) }
            if pending.count >= Self.spansPerSend { flush(all: false) }
        }
        try run.requireSomethingRead()
        flush(all: true)
        if let failure {
            _ = try? run.finish()
            throw .exportFailed(url: url, reason: "\(failure) (\(sent) spans had been sent)")
        }
        if let rejection {
            // A partial success is not retried (the OTLP specification forbids it); say what the collector said.
            StandardError.write(
                "warning: the collector rejected \(rejected) spans; its last message: \(rejection.errorMessage)\n")
        }
        let settings = transport.configuration
        let how = settings.protocol.rawValue + (settings.compression == .gzip ? ", gzip" : "")
        StandardError.write("sent \(sent) spans to \(url) (\(how))\n")
        return try run.finish()
    }

    /// Spans read before requests go out (`OTLPSpanExporter.Options.batchSize`, 512, to a request).
    static let spansPerSend = 8192
}
