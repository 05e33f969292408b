// OTLPExportTests: `tracekit export --otlp URL` sends a log's spans to an OTLP receiver that decodes them.

import Foundation
import Testing

@Suite struct OTLPExportTests {
    static let receiverScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/interop/otlp_receiver.py").path

    @Test func exportToAnOTLPEndpointDeliversEverySpanAfterARetry() throws {
        guard
            CLIProcess.require(
                CLIProcess.pythonHas(["opentelemetry.proto", "google.protobuf"]), "python3 with opentelemetry-proto"),
            let python = CLIProcess.which("python3")
        else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("otlp.tklog")
        // 9,000 spans: more than one read-ahead of `export --otlp` (8,192), so sending while reading is covered.
        let fixture = LogFixture(traceCount: 3_000, tracesPerBlock: 100)
        try fixture.write(to: log)
        let received = directory.file("received.jsonl")

        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: python)
        receiver.arguments = [
            Self.receiverScript, "--out", received, "--port", "0", "--fail-first", "1",
            "--max-seconds", "60",
        ]
        let stdout = Pipe()
        receiver.standardOutput = stdout
        try receiver.run()
        defer {
            receiver.terminate()
            receiver.waitUntilExit()
        }
        var announced = ""
        let deadline = Date().addingTimeInterval(20)
        while !announced.contains("\n"), Date() < deadline {
            announced += String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        }
        let port = try #require(
            announced.split(separator: "\n").first { $0.hasPrefix("PORT ") }.flatMap { Int($0.dropFirst(5)) })

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
        #expect(requests.filter { $0["status"] as? Int == 200 }.count == 18, "512 spans per request")
        let ids = Set(delivered.compactMap { $0["span_id"] as? String })
        #expect(ids == Set(fixture.spans.map(\.spanID.description)))
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
