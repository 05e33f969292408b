// Tests the BackendService sample end to end: real requests, seed metrics on stdout, the same series from its log.

import Foundation
import Testing
import TraceAnalysis
import TraceLog
import TraceMetrics

@Suite struct BackendServiceSampleTests {
    static var executable: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/BackendService").path
    }

    @Test func sampleServesSeedMetricsAndItsLogDerivesTheSameRequestCounts() async throws {
        // The sample runs for seconds: wait for it on a thread of its own, not on the concurrency pool.
        try await offThread { try Self.runSample() }
    }

    static func runSample() throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            // `swift build --build-tests` builds the sample; its absence means the build was partial.
            _ = ExternalTool.require(false, "the BackendService sample binary at \(executable)")
            return
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("backend-\(UUID()).tklog").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--port", "0", "--log", log, "--requests", "6"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = String(decoding: data, as: UTF8.self)
        // 6 creates, 6 reads, 6 lists, 2 deletes, 2 reads of a missing app.
        #expect(text.contains("backend_http_requests_total{method=\"POST\",path=\"/api/apps\",status=\"200\"} 6\n"))
        #expect(text.contains("backend_http_requests_total{method=\"GET\",path=\"/api/apps/{id}\",status=\"404\"} 2\n"))
        #expect(text.contains("backend_service_calls_total{method=\"create\",service=\"apps\"} 6\n"))
        #expect(text.contains("backend_apps_active 4\n"))
        #expect(text.contains("backend_http_request_duration_seconds_count{method=\"GET\",path=\"/api/apps\"} 6\n"))

        let derived = MetricsRegistry()
        try SpanAnalyzer(registry: derived).consume(contentsOf: LogReader.entries(path: log).spans)
        func requestLines(_ exposition: String) -> [Substring] {
            exposition.split(separator: "\n").filter { $0.hasPrefix("backend_http_requests_total{") }
        }
        #expect(requestLines(derived.exposition()).count == 5)
        #expect(requestLines(derived.exposition()) == requestLines(text))
    }
}
