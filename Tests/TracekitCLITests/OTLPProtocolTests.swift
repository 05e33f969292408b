// OTLPProtocolTests: `tracekit export --otlp` with each protocol, gzip, headers from flags and OTEL_* variables,
// partial success, and the usage errors, against the Python receiver (opentelemetry-proto).

import Foundation
import Testing
import TraceKit
import TraceLog

@Suite struct OTLPProtocolTests {
    static let interop = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/interop").path

    /// Spans with every field OTLP carries: each kind and status, every attribute type (empty, negative, infinite,
    /// long and non-ASCII values too), events with attributes, dropped counts and a sampling threshold.
    static func richSpans(traceCount: Int) -> [SpanRecord] {
        let base: UInt64 = 1_764_000_000_000_000_000
        let long = String(repeating: "x", count: 20_000)
        var spans: [SpanRecord] = []
        for index in 0..<traceCount {
            let traceID = TraceID(high: 0x0123_4567_89AB_CDEF, low: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 | 1)
            let root = SpanID(rawValue: UInt64(index) * 8 + 1)
            let start = base + UInt64(index) * 1_000_000
            let kind = SpanRecord.Kind.allCases[index % 5]
            spans.append(
                SpanRecord(
                    traceID: traceID, spanID: SpanID(rawValue: UInt64(index) * 8 + 2), parentSpanID: root,
                    name: "db.query ü \(index % 3)", kind: kind, status: index % 4 == 1 ? .ok : .unset,
                    startUnixNanoseconds: start + 1_000, durationNanoseconds: 123_457 + UInt64(index),
                    attributes: [
                        "db.system": "sqlite", "rows": .int(Int64(index) - 5), "ratio": 0.125, "cached": false,
                        "empty": "", "inf": .double(-.infinity), "tags": .stringArray(["a", "", "ü"]),
                        "ids": .intArray([Int64.min, 0, Int64.max]), "weights": .doubleArray([1, 0.5]),
                        "flags": .boolArray([true, false]), "long": index == 0 ? .string(long) : "short",
                    ],
                    events: [
                        .init(name: "cache.miss", timeUnixNanoseconds: start + 2_000, attributes: ["key": "k1"]),
                        .init(name: "retry", timeUnixNanoseconds: start + 3_000),
                    ],
                    droppedAttributeCount: index % 3 == 0 ? 2 : 0, droppedEventCount: index % 5 == 0 ? 1 : 0,
                    samplingThreshold: index % 2 == 0 ? Sampler.ratio(0.25).threshold : 0))
            spans.append(
                SpanRecord(
                    traceID: traceID, spanID: root, name: "request", kind: .server,
                    status: index % 7 == 3 ? .error(message: "upstream \"timeout\"\n") : .unset,
                    startUnixNanoseconds: start, durationNanoseconds: 2_000_000,
                    attributes: ["http.route": "/items/{id}", "http.response.status_code": 200],
                    samplingThreshold: index % 2 == 0 ? Sampler.ratio(0.25).threshold : 0))
        }
        return spans
    }

    static func writeRichLog(to path: String, traceCount: Int = 700) throws -> [SpanRecord] {
        let spans = richSpans(traceCount: traceCount)
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "otlp-cli"))
        for (index, span) in spans.enumerated() {
            writer.consume(span)
            if index % 250 == 249 { writer.flush() }
        }
        writer.shutdown()
        return spans
    }

    /// Runs `otlp_log_compare.py LOG RECEIVED`: every span of the log arrived once with every field intact.
    static func compare(log: String, received: String) throws -> CLIProcess.Output {
        let python = CLIProcess.which("python3") ?? "/usr/bin/python3"
        return try CLIProcess.run(python, [interop + "/otlp_log_compare.py", log, received, "--service", "otlp-cli"])
    }

    static func summary(_ comparison: CLIProcess.Output) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: comparison.stdout)) as? [String: Any] ?? [:]
    }

    /// The receiver's JSON lines, one object per request.
    static func requests(_ lines: Data) throws -> [[String: Any]] {
        try String(decoding: lines, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Starts the receiver, runs `body` with its URL, stops the receiver and returns what it received, all on a
    /// thread of its own: child processes are waited for there, not on the (two-thread) concurrency pool that
    /// the in-process HTTP tests need.
    static func withReceiver<T: Sendable>(
        python: String, options: [String] = [], _ body: @escaping @Sendable (String) throws -> T
    ) async throws -> (T, received: Data) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    let directory = try TemporaryDirectory()
                    let received = directory.file("received.jsonl")
                    let (receiver, port) = try OTLPExportTests.startReceiver(
                        python: python, out: received, options: options)
                    defer {
                        receiver.terminate()
                        receiver.waitUntilExit()
                    }
                    let value = try body("http://127.0.0.1:\(port)/v1/traces")
                    let lines = FileManager.default.contents(atPath: received) ?? Data()
                    continuation.resume(returning: (value, lines))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    /// `tracekit` with extra environment variables (through env(1), so the test process's own stay as they are).
    static func tracekit(_ arguments: [String], environment: [String] = []) throws -> CLIProcess.Output {
        let binary = try #require(CLIProcess.tracekitPath, "the tracekit binary was not built")
        return try CLIProcess.run("/usr/bin/env", environment + [binary] + arguments)
    }

    @Test(arguments: [
        ["--protocol", "http/protobuf"], ["--protocol", "http/json"], ["--compression", "gzip"],
        ["--protocol", "http/json", "--compression", "gzip"],
    ])
    func everySpanOfALogArrivesIntact(flags: [String]) async throws {
        guard let python = OTLPExportTests.receiverPython() else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("rich.tklog")
        let spans = try Self.writeRichLog(to: log)
        let (result, received) = try await Self.withReceiver(python: python) { url in
            try Self.tracekit(["export", log, "--otlp", url, "--header", "authorization=Bearer t0k=="] + flags)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("sent \(spans.count) spans"), "\(result.stderr)")
        let requests = try Self.requests(received)
        #expect(requests.count == (spans.count + 511) / 512)
        let json = flags.contains("http/json")
        let gzip = flags.contains("gzip")
        for request in requests {
            #expect(request["content_type"] as? String == (json ? "application/json" : "application/x-protobuf"))
            #expect(request["content_encoding"] as? String == (gzip ? "gzip" : ""))
            let headers = request["headers"] as? [String: String] ?? [:]
            #expect(headers["authorization"] == "Bearer t0k==")
            #expect(headers["user-agent"]?.hasPrefix("TraceKit/") == true)
        }
        // Every span of the log, every field, checked by the independent log reader.
        let receivedPath = directory.file("received-copy.jsonl")
        try received.write(to: URL(fileURLWithPath: receivedPath))
        let checked = try await Self.offPool { try Self.compare(log: log, received: receivedPath) }
        #expect(checked.status == 0, "\(checked.text)")
        #expect(Self.summary(checked)["compared"] as? Int == spans.count)
    }

    @Test func headersCompressionAndProtocolComeFromOTELVariablesUnlessAFlagSaysOtherwise() async throws {
        guard let python = OTLPExportTests.receiverPython() else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("env.tklog")
        _ = try Self.writeRichLog(to: log, traceCount: 20)
        let environment = [
            "OTEL_EXPORTER_OTLP_HEADERS=api-key=from%20env,authorization=Bearer%20env",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS=api-key=traces%2Cspecific,x-tenant=t%C3%BC",
            "OTEL_EXPORTER_OTLP_COMPRESSION=gzip", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json",
            "OTEL_EXPORTER_OTLP_TIMEOUT=5000",
        ]
        let ((first, second), received) = try await Self.withReceiver(python: python) { url in
            let first = try Self.tracekit(["export", log, "--otlp", url], environment: environment)
            let second = try Self.tracekit(
                [
                    "export", log, "--otlp", url, "--protocol", "http/protobuf", "--compression", "none", "--header",
                    "x-tenant=flag",
                ],
                environment: environment)
            return (first, second)
        }
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("(http/json, gzip)"), "\(first.stderr)")
        #expect(second.status == 0, "\(second.stderr)")

        let requests = try Self.requests(received)
        #expect(requests.count == 2)
        let headers = requests.map { $0["headers"] as? [String: String] ?? [:] }
        guard headers.count == 2 else { return }
        // The traces-specific variable replaces the general one as a whole; the values are percent-decoded.
        #expect(headers[0]["api-key"] == "traces,specific")
        #expect(headers[0]["authorization"] == nil)
        #expect(headers[0]["x-tenant"] == "tü")
        #expect(requests[0]["content_type"] as? String == "application/json")
        #expect(requests[0]["content_encoding"] as? String == "gzip")
        // Flags win over the variables, header by header.
        #expect(headers[1]["x-tenant"] == "flag")
        #expect(headers[1]["api-key"] == "traces,specific")
        #expect(requests[1]["content_type"] as? String == "application/x-protobuf")
        #expect(requests[1]["content_encoding"] as? String == "")
        #expect(requests.allSatisfy { $0["status"] as? Int == 200 })
    }

    @Test func aPartialSuccessIsReportedAndNotRetried() async throws {
        guard let python = OTLPExportTests.receiverPython() else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("partial.tklog")
        let spans = try Self.writeRichLog(to: log, traceCount: 300)
        let (result, received) = try await Self.withReceiver(
            python: python, options: ["--partial-success", "3:span too old"]
        ) { url in try Self.tracekit(["export", log, "--otlp", url]) }
        #expect(result.status == 0, "\(result.stderr)")
        // 600 spans: two requests, each answered "3 rejected".
        #expect(try Self.requests(received).count == 2)
        #expect(result.stderr.contains("warning: the collector rejected 6 spans; its last message: span too old"))
        #expect(result.stderr.contains("sent \(spans.count - 6) spans"), "\(result.stderr)")
    }

    /// Runs `body` (child processes) on a thread of its own and returns its result.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test func grpcIsRefusedWithAClearMessageFromTheFlagAndFromTheVariable() async throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("grpc.tklog")
        _ = try Self.writeRichLog(to: log, traceCount: 2)
        let (flag, variable, tls, header) = try await Self.offPool {
            (
                try Self.tracekit(["export", log, "--otlp", "http://127.0.0.1:4317", "--protocol", "grpc"]),
                try Self.tracekit(
                    ["export", log, "--otlp", "http://127.0.0.1:4317"],
                    environment: ["OTEL_EXPORTER_OTLP_PROTOCOL=grpc"]),
                try Self.tracekit(["export", log, "--otlp", "https://collector:4318/v1/traces"]),
                try Self.tracekit(
                    [
                        "export", log, "--otlp", "http://127.0.0.1:4318/v1/traces", "--header",
                        "content-type=text/plain",
                    ])
            )
        }
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("OTLP protocol 'grpc' is not supported by this exporter yet"), "\(flag.stderr)")
        #expect(variable.status == 2)
        #expect(variable.stderr.contains("not supported by this exporter yet"), "\(variable.stderr)")
        #expect(tls.status == 2)
        #expect(tls.stderr.contains("https (TLS) is not supported by this exporter yet"), "\(tls.stderr)")
        #expect(header.status == 2)
        #expect(header.stderr.contains("invalid OTLP header 'content-type'"), "\(header.stderr)")
    }

    @Test func malformedOTLPFlagsAreUsageErrors() async throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("flags.tklog")
        _ = try Self.writeRichLog(to: log, traceCount: 2)
        let url = "http://127.0.0.1:4318/v1/traces"
        let cases = [
            ["--otlp", url, "--protocol", "http/xml"], ["--otlp", url, "--compression", "br"],
            ["--otlp", url, "--header", "no-value"], ["--otlp", url, "--header", "=value"],
            ["--format", "chrome", "--header", "a=b"], ["--format", "chrome", "--compression", "gzip"],
        ]
        let results = try await Self.offPool { try cases.map { try Self.tracekit(["export", log] + $0) } }
        for (arguments, result) in zip(cases, results) {
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
        }
    }
}
