// OTLPReceiver: runs Scripts/interop/otlp_receiver.py (opentelemetry-proto) on loopback and reads what it decoded.

import Foundation

/// A Python OTLP/HTTP receiver child process (protobuf and JSON, gzip); every request it got is a JSON line in
/// `outputPath`.
final class OTLPReceiver {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct DecodedSpan: Decodable, Equatable, Sendable {
        var trace_id: String
        var span_id: String
        var parent_span_id: String
        var name: String
        var kind: Int
        var service: String
    }

    struct Request: Decodable, Sendable {
        var status: Int
        var spans: [DecodedSpan]
        var error: String?
        /// When the request arrived (the receiver's monotonic clock, seconds).
        var time: Double
        var content_type: String
        var content_encoding: String
        /// Header fields, names lowercased.
        var headers: [String: String]
    }

    let port: Int
    let outputPath: String
    private let process = Process()

    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/interop/otlp_receiver.py").path
    }

    /// Starts the receiver; the first `failFirst` requests are answered `failStatus` (with `Retry-After:
    /// retryAfter` when given), and decoded requests get a partial success rejecting `partialSuccess.rejected`.
    init(
        python: String, failFirst: Int = 0, failStatus: Int = 503, retryAfter: String? = nil,
        partialSuccess: (rejected: Int, message: String)? = nil
    ) throws {
        outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(UUID()).jsonl").path
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            Self.scriptPath, "--out", outputPath, "--port", "0", "--fail-first", String(failFirst),
            "--fail-status", String(failStatus), "--max-seconds", "120",
        ]
        if let retryAfter { process.arguments? += ["--retry-after", retryAfter] }
        if let partialSuccess {
            process.arguments? += ["--partial-success", "\(partialSuccess.rejected):\(partialSuccess.message)"]
        }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is "PORT <n>"; it comes within a second of start.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw Failure(
                description:
                    "receiver did not start (said '\(text)', exit \(process.isRunning ? 0 : process.terminationStatus))"
            )
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/v1/traces" }

    static var interopDirectory: String {
        URL(fileURLWithPath: scriptPath).deletingLastPathComponent().path
    }

    /// Every request received so far, in order.
    func requests() throws -> [Request] {
        guard let data = FileManager.default.contents(atPath: outputPath) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(Request.self, from: Data($0.utf8))
        }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: outputPath)
    }

    deinit { stop() }
}
