// ExportCommand: `tracekit export`: a log as Chrome trace event JSON (Perfetto) or OTLP JSON.

import ArgumentParser
import Foundation
import TraceExport
import TraceKit

/// `tracekit export PATH --format chrome|otlp-json [--output OUT]` or `tracekit export PATH --otlp URL`.
struct ExportCommand: TracekitSubcommand {
    /// The formats `export` writes.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case chrome
        case otlpJSON = "otlp-json"
    }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Convert a log to Chrome trace JSON (open in Perfetto) or OTLP JSON.",
        discussion: """
            chrome: trace event JSON with one complete event (ph "X") per span, loadable in ui.perfetto.dev \
            and chrome://tracing. otlp-json: one ExportTraceServiceRequest in the OTLP/JSON encoding (ids as \
            hex), for an OpenTelemetry Collector's /v1/traces. --otlp URL sends the spans there instead (OTLP/HTTP \
            JSON, batched, retried on 429/502/503/504 and connection errors), e.g. http://127.0.0.1:4318/v1/traces.
            """
    )

    @Argument(help: "A log file or a directory of .tklog files.")
    var path: String

    @Option(help: "The output format: chrome or otlp-json.")
    var format: Format?

    @Option(help: "Send the spans to this OTLP/HTTP endpoint (JSON) instead of writing a file.")
    var otlp: String?

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
        do {
            try OTLPHTTPExporter.validate(url: url)
        } catch {
            throw CLIError.exportFailed(url: url, reason: String(describing: error))
        }
        var firstResource: Resource?
        var requestResource: Resource?
        var pending: [SpanRecord] = []
        var sent = 0
        var failure: OTLPExportError?
        let requestSize = max(1, OTLPHTTPExporter.Options().batchSize)
        /// Sends full requests (and, when `all`, the rest), counting only the spans of requests that succeeded.
        func flush(all: Bool) {
            let resource = requestResource ?? Self.resource(firstResource)
            requestResource = resource
            var start = 0
            while failure == nil, pending.count - start >= (all ? 1 : requestSize) {
                let end = min(pending.count, start + requestSize)
                do {
                    sent += try OTLPHTTPExporter.export(pending[start..<end], resource: resource, to: url)
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
        StandardError.write("sent \(sent) spans to \(url)\n")
        return try run.finish()
    }

    /// Spans read before requests go out (`OTLPHTTPExporter.Options.batchSize`, 512, to a request).
    static let spansPerSend = 8192
}
