// Finds and runs the real peers the exposition is checked against: promtool and Python prometheus-client.

import Foundation

enum PeerTools {
    /// CI sets CI=true; there a missing peer is a failure, elsewhere the peer tests are skipped.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let checkerScript = repositoryRoot.appendingPathComponent("Scripts/interop/check_exposition.py").path

    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let promtool: String? = executable("promtool")

    /// python3 when it can import prometheus_client.
    static let pythonWithPrometheusClient: String? = {
        guard let python = executable("python3"),
            let result = try? run(python, ["-c", "import prometheus_client"], input: []), result.status == 0
        else { return nil }
        return python
    }()

    static var runPromtoolTests: Bool { promtool != nil || isCI }
    static var runPythonTests: Bool { pythonWithPrometheusClient != nil || isCI }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs a tool with `input` on stdin (through a temporary file, so large inputs cannot deadlock).
    static func run(_ executable: String, _ arguments: [String], input: [UInt8]) throws -> Result {
        let directory = FileManager.default.temporaryDirectory
        let inputURL = directory.appendingPathComponent("tracemetrics-\(UUID().uuidString).in")
        let outputURL = directory.appendingPathComponent("tracemetrics-\(UUID().uuidString).out")
        let errorURL = directory.appendingPathComponent("tracemetrics-\(UUID().uuidString).err")
        defer {
            for url in [inputURL, outputURL, errorURL] { try? FileManager.default.removeItem(at: url) }
        }
        try Data(input).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: inputURL)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
    }
}

/// One sample as prometheus-client parsed it.
struct ParsedSample {
    let family: String
    let type: String
    let unit: String
    let documentation: String
    let name: String
    let labels: [String: String]
    let value: Double
    let timestamp: Double?
    let exemplar: (labels: [String: String], value: Double, timestamp: Double?)?

    /// Name plus labels with values compared as exact Unicode scalars (not Swift's canonical equivalence).
    var key: String { SampleKey.make(name, labels) }
}

enum SampleKey {
    static func make(_ name: String, _ labels: [String: String]) -> String {
        let parts = labels.keys.sorted().map { key in
            "\(key)=" + (labels[key] ?? "").unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: ".")
        }
        return name + "|" + parts.joined(separator: "|")
    }
}

enum PythonParser {
    enum Format: String { case prometheus, openmetrics }

    /// Parses exposition text with prometheus-client; throws with the parser's message if it rejects it.
    static func parse(_ text: [UInt8], as format: Format, python: String) throws -> [ParsedSample] {
        let result = try PeerTools.run(python, [PeerTools.checkerScript, format.rawValue], input: text)
        guard result.status == 0 else {
            throw ParseFailure(message: "exit \(result.status): \(result.stderr)")
        }
        guard let root = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let families = root["families"] as? [[String: Any]]
        else { throw ParseFailure(message: "unreadable checker output: \(result.stdout.prefix(200))") }
        var samples: [ParsedSample] = []
        for family in families {
            for sample in family["samples"] as? [[String: Any]] ?? [] {
                var exemplar: ([String: String], Double, Double?)?
                if let raw = sample["exemplar"] as? [String: Any] {
                    exemplar = (
                        raw["labels"] as? [String: String] ?? [:], number(raw["value"]) ?? .nan,
                        number(raw["timestamp"])
                    )
                }
                samples.append(
                    ParsedSample(
                        family: family["name"] as? String ?? "", type: family["type"] as? String ?? "",
                        unit: family["unit"] as? String ?? "", documentation: family["documentation"] as? String ?? "",
                        name: sample["name"] as? String ?? "",
                        labels: sample["labels"] as? [String: String] ?? [:], value: number(sample["value"]) ?? .nan,
                        timestamp: number(sample["timestamp"]), exemplar: exemplar))
            }
        }
        return samples
    }

    private static func number(_ any: Any?) -> Double? {
        guard let text = any as? String else { return nil }
        return Double(text)
    }

    struct ParseFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { "prometheus-client: \(message)" }
    }
}
