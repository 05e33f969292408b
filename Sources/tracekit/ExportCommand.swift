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

    func execute() throws(CLIError) -> Int32 {
        let (spans, files) = try LogInput.spans([path], progress: progressOption.progress)
        LogInput.warnAboutDamage(files)
        let resource = files.lazy.compactMap(\.resource).first ?? Resource(serviceName: "unknown")
        if let otlp {
            do {
                let sent = try OTLPHTTPExporter.export(spans, resource: resource, to: otlp)
                StandardError.write("sent \(sent) spans to \(otlp)\n")
                return ExitStatus.success
            } catch {
                throw CLIError.exportFailed(url: otlp, reason: String(describing: error))
            }
        }
        let bytes: [UInt8]
        switch format {
        case .chrome: bytes = ChromeTraceEncoder.json(resource: resource, spans: spans)
        case .otlpJSON, nil: bytes = OTLPJSONEncoder.exportRequest(resource: resource, spans: spans)
        }
        try OutputFile.write(bytes, to: output)
        return ExitStatus.success
    }
}
