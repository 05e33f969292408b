// OTLPExportTests: `tracekit export --otlp URL` sends a log's spans to an OTLP receiver that decodes them.

import Foundation
import Testing

@Suite struct OTLPExportTests {
    static let receiverScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/interop/otlp_receiver.py").path

    @Test func exportToAnOTLPEndpointDeliversEverySpanAfterARetry() throws {
        guard let python = Self.receiverPython() else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("otlp.tklog")
        // 9,000 spans: more than one read-ahead of `export --otlp` (8,192), so sending while reading is covered.
        let fixture = LogFixture(traceCount: 3_000, tracesPerBlock: 100)
        try fixture.write(to: log)
        let received = directory.file("received.jsonl")
        let (receiver, port) = try Self.startReceiver(python: python, out: received, options: ["--fail-first", "1"])
        defer {
            receiver.terminate()
            receiver.waitUntilExit()
        }

        let result = try CLIProcess.tracekit(["export", log, "--otlp", "http://127.0.0.1:\(port)/v1/traces"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("sent \(fixture.spans.count) spans"))

        let lines = try String(contentsOfFile: received, encoding: .utf8).split(separator: "\n")
        let requests = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(requests.first?["status"] as? Int == 503, "the first request is refused, then retried")
        let delivered = requests.filter { $0["status"] as? Int == 200 }.flatMap {
            $0["spans"] as? [[String: Any]] ?? []
        }
        #expect(delivered.count == fixture.spans.count)
        // As many requests as one export of every span would make (the read-ahead sends whole requests only);
        // this does not show that memory stays bounded, which Docs/Performance.md measures.
        #expect(requests.filter { $0["status"] as? Int == 200 }.count == 18, "512 spans per request")
        let ids = Set(delivered.compactMap { $0["span_id"] as? String })
        #expect(ids == Set(fixture.spans.map(\.spanID.description)))
    }

    @Test func aRefusedRequestStopsTheExportAndSaysHowManySpansWentOut() throws {
        guard let python = Self.receiverPython() else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("refused.tklog")
        try LogFixture(traceCount: 3_000, tracesPerBlock: 100).write(to: log)
        let received = directory.file("received.jsonl")
        // Three requests of 512 spans go through, the fourth is refused for good (400 is not retried).
        let (receiver, port) = try Self.startReceiver(
            python: python, out: received, options: ["--refuse-after", "3"])
        defer {
            receiver.terminate()
            receiver.waitUntilExit()
        }
        let result = try CLIProcess.tracekit(["export", log, "--otlp", "http://127.0.0.1:\(port)/v1/traces"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("(1536 spans had been sent)"), "\(result.stderr)")
        let statuses = try String(contentsOfFile: received, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["status"] as? Int
        }
        #expect(statuses == [200, 200, 200, 400], "nothing is sent after the refusal")

        let badURL = try CLIProcess.tracekit(["export", log, "--otlp", "ftp://127.0.0.1/v1/traces"])
        #expect(badURL.status == 2)
        #expect(badURL.stderr.contains("ftp://127.0.0.1/v1/traces: OTLP export failed"), "\(badURL.stderr)")
    }

    /// `python3` when it can run the receiver (it decodes with opentelemetry-proto); else `nil`, recorded as a
    /// failure under `CI=true`.
    static func receiverPython() -> String? {
        guard
            CLIProcess.require(
                CLIProcess.pythonHas(["opentelemetry.proto", "google.protobuf"]), "python3 with opentelemetry-proto")
        else { return nil }
        return CLIProcess.which("python3")
    }

    struct ReceiverFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `Scripts/interop/otlp_receiver.py` writing what it receives to `out`; returns it and its port.
    static func startReceiver(python: String, out: String, options: [String]) throws -> (Process, Int) {
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: python)
        receiver.arguments = [receiverScript, "--out", out, "--port", "0", "--max-seconds", "60"] + options
        let stdout = Pipe()
        receiver.standardOutput = stdout
        try receiver.run()
        var announced = ""
        let deadline = Date().addingTimeInterval(20)
        while !announced.contains("\n"), Date() < deadline {
            announced += String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard
            let port = announced.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }).flatMap({
                Int($0.dropFirst(5))
            })
        else {
            receiver.terminate()
            throw ReceiverFailure(description: "the receiver did not say its port: \(announced)")
        }
        return (receiver, port)
    }

    @Test func exportWantsExactlyOneOfFormatAndOTLP() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("usage.tklog")
        try LogFixture().write(to: log)
        #expect(try CLIProcess.tracekit(["export", log]).status == 64)
        #expect(
            try CLIProcess.tracekit(["export", log, "--format", "chrome", "--otlp", "http://127.0.0.1:1/"]).status == 64
        )
    }
}
