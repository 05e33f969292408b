// Tests the live OTLP exporter against the Python receiver: each protocol and compression delivers every field,
// headers arrive, partial success is counted and not retried, Retry-After is honoured, other refusals fail at once.

import Foundation
import Testing
import TraceExport
import TraceKit
import TraceLog
import TraceMetrics

@Suite(.serialized) struct OTLPProtocolExportTests {
    /// Spans with every OTLP field: kinds, statuses, all attribute types, events, dropped counts, a threshold.
    static func richSpans() -> [SpanRecord] {
        var spans: [SpanRecord] = []
        let base: UInt64 = 1_764_100_000_000_000_000
        for index in 0..<40 {
            let traceID = TraceID(high: UInt64(index) + 7, low: 0xFEED_0000 + UInt64(index))
            let root = SpanID(rawValue: 0xA000 + UInt64(index) * 2)
            spans.append(
                SpanRecord(
                    traceID: traceID, spanID: SpanID(rawValue: root.rawValue + 1), parentSpanID: root,
                    name: "child \(index % 4)", kind: SpanRecord.Kind.allCases[index % 5],
                    status: index % 3 == 0 ? .error(message: "boom ✗") : .ok,
                    startUnixNanoseconds: base + UInt64(index) * 10_000, durationNanoseconds: 777,
                    attributes: [
                        "s": "v", "i": .int(-Int64(index)), "d": 2.5, "b": true, "sa": .stringArray(["x"]),
                        "ia": .intArray([1, 2]), "da": .doubleArray([.nan]), "ba": .boolArray([]),
                    ],
                    events: [.init(name: "e", timeUnixNanoseconds: base + 5, attributes: ["n": 1])],
                    droppedAttributeCount: 1, droppedEventCount: 2,
                    samplingThreshold: Sampler.ratio(0.1).threshold))
            spans.append(
                SpanRecord(
                    traceID: traceID, spanID: root, name: "root", kind: .server,
                    startUnixNanoseconds: base + UInt64(index) * 10_000, durationNanoseconds: 5_000))
        }
        return spans
    }

    /// Writes `spans` to a log (the truth the compare script reads) and returns its path.
    static func truthLog(_ spans: [SpanRecord], service: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID()).tklog").path
        let writer = try LogWriter(path: path, resource: Resource(serviceName: service))
        for span in spans { writer.consume(span) }
        writer.shutdown()
        return path
    }

    /// Runs `otlp_log_compare.py LOG RECEIVED`: exit status and its JSON summary.
    static func compare(log: String, received: String, service: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", OTLPReceiver.interopDirectory + "/otlp_log_compare.py", log, received, "--service", service,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let summary = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: summary, as: UTF8.self))
    }

    /// What a run against the receiver produced, gathered off the concurrency pool (the exporter's `flush`, the
    /// receiver and the compare script block their threads; a blocked pool thread would starve the HTTP tests).
    struct Run: Sendable {
        var statistics: OTLPSpanExporter.Statistics
        var lastPartialSuccess: OTLPPartialSuccess?
        var droppedSpanCounts: [String: UInt64]
        var requests: [OTLPReceiver.Request]
        var comparison: (status: Int32, summary: String)?
    }

    /// Starts a receiver, sends `spans` through an exporter on `configuration`, flushes, shuts down and reads back.
    static func run(
        python: String, receiver options: ReceiverOptions = .init(),
        configuration: @escaping @Sendable (String) -> OTLPExporterConfiguration,
        options exporterOptions: OTLPSpanExporter.Options, registry: MetricsRegistry? = nil,
        compareAs service: String? = nil
    ) async throws -> Run {
        let spans = richSpans()
        return try await offThread {
            let receiver = try OTLPReceiver(
                python: python, failFirst: options.failFirst, failStatus: options.failStatus,
                retryAfter: options.retryAfter, partialSuccess: options.partialSuccess)
            defer { receiver.stop() }
            let exporter = try OTLPSpanExporter(
                configuration: configuration(receiver.url), resource: Resource(serviceName: service ?? "live-otlp"),
                options: exporterOptions, registry: registry)
            for span in spans { exporter.consume(span) }
            exporter.flush()
            exporter.shutdown()
            var comparison: (Int32, String)?
            if let service {
                let log = try truthLog(spans, service: service)
                defer { try? FileManager.default.removeItem(atPath: log) }
                comparison = try compare(log: log, received: receiver.outputPath, service: service)
            }
            return Run(
                statistics: exporter.statistics, lastPartialSuccess: exporter.lastPartialSuccess,
                droppedSpanCounts: exporter.droppedSpanCounts, requests: try receiver.requests(),
                comparison: comparison)
        }
    }

    struct ReceiverOptions: Sendable {
        var failFirst = 0
        var failStatus = 503
        var retryAfter: String?
        var partialSuccess: (rejected: Int, message: String)?
    }

    @Test(arguments: [
        (OTLPProtocol.httpProtobuf, OTLPCompression.none), (.httpProtobuf, .gzip), (.httpJSON, .none),
        (.httpJSON, .gzip),
    ])
    func everyFieldArrivesWithEachProtocolAndCompression(protocol: OTLPProtocol, compression: OTLPCompression)
        async throws
    {
        guard let python = OTLPExportTests.receiverAvailable() else { return }
        let run = try await Self.run(
            python: python,
            configuration: { url in
                OTLPExporterConfiguration(
                    endpoint: url, protocol: `protocol`, headers: ["Authorization": "Bearer s3cret", "api-key": "k1"],
                    compression: compression)
            }, options: .init(batchSize: 32, batchDelay: .milliseconds(20)), compareAs: "live-otlp")
        #expect(run.statistics == .init(exported: Self.richSpans().count, dropped: 0, failed: 0, retries: 0))
        #expect(run.comparison?.status == 0, "\(run.comparison?.summary ?? "")")
        #expect(run.requests.count == 3, "80 spans in batches of 32")
        for request in run.requests {
            #expect(request.content_type == (`protocol` == .httpJSON ? "application/json" : "application/x-protobuf"))
            #expect(request.content_encoding == (compression == .gzip ? "gzip" : ""))
            #expect(request.headers["authorization"] == "Bearer s3cret")
            #expect(request.headers["api-key"] == "k1")
        }
    }

    @Test(arguments: [OTLPProtocol.httpProtobuf, .httpJSON])
    func aPartialSuccessIsCountedAsRejectedAndNotRetried(protocol: OTLPProtocol) async throws {
        guard let python = OTLPExportTests.receiverAvailable() else { return }
        let registry = MetricsRegistry()
        let run = try await Self.run(
            python: python, receiver: .init(partialSuccess: (2, "spans too old")),
            configuration: { .init(endpoint: $0, protocol: `protocol`) },
            options: .init(batchSize: 50, batchDelay: .milliseconds(20)), registry: registry)
        #expect(run.requests.map(\.status) == [200, 200], "80 spans in two requests, none sent again")
        #expect(run.statistics == .init(exported: 76, dropped: 0, failed: 0, retries: 0, rejected: 4))
        #expect(run.lastPartialSuccess == OTLPPartialSuccess(rejectedSpans: 2, errorMessage: "spans too old"))
        #expect(run.droppedSpanCounts["export_rejected"] == 4)
        #expect(registry.exposition().contains("tracekit_otlp_spans_total{outcome=\"rejected\"} 4\n"))
    }

    @Test(arguments: [(429, "3"), (503, "date:4")])
    func retryAfterIsWaitedOutBeforeTheNextAttempt(status: Int, retryAfter: String) async throws {
        guard let python = OTLPExportTests.receiverAvailable() else { return }
        // The backoff alone would wait at most 50 ms: any longer pause is the Retry-After.
        let retry = OTLPRetryPolicy(initialBackoff: .milliseconds(10), maximumBackoff: .milliseconds(50))
        let run = try await Self.run(
            python: python, receiver: .init(failFirst: 1, failStatus: status, retryAfter: retryAfter),
            configuration: { .init(endpoint: $0) }, options: .init(batchDelay: .milliseconds(20), retry: retry))
        #expect(run.requests.map(\.status) == [status, 200])
        #expect(run.statistics == .init(exported: Self.richSpans().count, dropped: 0, failed: 0, retries: 1))
        // A lower bound only (sleeping never ends early): 3 s, or an HTTP-date 4 s ahead in whole seconds (>= 2 s).
        if run.requests.count == 2 {
            let pause = run.requests[1].time - run.requests[0].time
            #expect(pause >= 2.0, "the retry came \(pause) s after the \(status)")
        }
    }

    @Test(arguments: [(400, nil), (429, "3600")] as [(Int, String?)])
    func aRefusalOrAnOverlongRetryAfterFailsTheBatchAtOnce(status: Int, retryAfter: String?) async throws {
        guard let python = OTLPExportTests.receiverAvailable() else { return }
        let run = try await Self.run(
            python: python, receiver: .init(failFirst: 1, failStatus: status, retryAfter: retryAfter),
            configuration: { .init(endpoint: $0) },
            options: .init(batchDelay: .milliseconds(20), retry: .init(initialBackoff: .milliseconds(10))))
        #expect(run.requests.map(\.status) == [status], "status \(status): not sent again")
        #expect(run.statistics == .init(exported: 0, dropped: 0, failed: Self.richSpans().count, retries: 0))
    }

    @Test func oneShotExportOverGzipProtobufReturnsTheCounts() async throws {
        guard let python = OTLPExportTests.receiverAvailable() else { return }
        let spans = Self.richSpans()
        let (counts, partials, statuses) = try await offThread {
            let receiver = try OTLPReceiver(python: python, failFirst: 1, partialSuccess: (1, "dup"))
            defer { receiver.stop() }
            let transport = try OTLPHTTPTransport(configuration: .init(endpoint: receiver.url, compression: .gzip))
            var partials: [OTLPPartialSuccess] = []
            let counts = try OTLPSpanExporter.export(
                spans, resource: Resource(serviceName: "one-shot"), transport: transport,
                options: .init(batchSize: 40, retry: .init(initialBackoff: .milliseconds(10)))
            ) { partials.append($0) }
            return (counts, partials, try receiver.requests().map(\.status))
        }
        #expect(counts == .init(exported: 78, dropped: 0, failed: 0, retries: 1, rejected: 2))
        #expect(partials == [OTLPPartialSuccess(rejectedSpans: 1, errorMessage: "dup")].repeated(2))
        #expect(statuses == [503, 200, 200])
    }
}

extension Array {
    fileprivate func repeated(_ count: Int) -> [Element] { (0..<count).flatMap { _ in self } }
}
