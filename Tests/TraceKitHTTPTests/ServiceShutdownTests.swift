// ServiceShutdownTests: a service stopped by SIGTERM (swift-service-lifecycle) leaves a complete trace log.

import Foundation
import Testing
import TraceKit
import TraceLog

@Suite struct ServiceShutdownTests {
    @Test func sigtermShutsTheRecorderDownAndTheLogHoldsEveryRequestSpan() async throws {
        // The child process is waited for on its own thread: blocking the two-thread pool starves other tests.
        try await offThread { try Self.runAndStop() }
    }

    static func runAndStop() throws {
        guard FileManager.default.isExecutableFile(atPath: BackendServiceSampleTests.executable) else {
            _ = ExternalTool.require(
                false, "the BackendService sample binary at \(BackendServiceSampleTests.executable)")
            return
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("sigterm-\(UUID()).tklog").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BackendServiceSampleTests.executable)
        process.arguments = ["--port", "0", "--log", log]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // "listening on port N; metrics at /metrics"
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        let words = text.split(separator: " ")
        let port = try #require(words.dropFirst(3).first.flatMap { Int($0.filter(\.isNumber)) }, "no port in \(text)")
        for _ in 0..<5 {
            let response = try RawHTTPClient.requestBlocking(port: port, method: "GET", path: "/api/apps")
            #expect(response.status == 200)
        }
        // Well inside the 1 s flush interval: the spans are still in the writer's open block.
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let reader = try LogReader(path: log)
        let entries = Array(reader)
        #expect(entries.damages.isEmpty)
        #expect(reader.sawEndOfFileMarker)
        let servers = entries.spans.filter { $0.kind == .server }
        #expect(servers.count == 5, "server spans: \(servers.map(\.name))")
    }
}
