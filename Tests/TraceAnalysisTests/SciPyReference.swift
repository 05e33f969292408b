// SciPyReference: runs Scripts/interop/mannwhitney_reference.py so tests can compare against SciPy.

import Foundation

/// One comparison case sent to the Python reference script.
struct ReferenceCase {
    var label: String
    var baseline: [UInt64]
    var candidate: [UInt64]
    /// "asymptotic", "exact" or "auto", as SciPy spells them.
    var method: String
    var hodgesLehmann = true
    var confidence = 0.95
}

/// What SciPy (p, U) and a brute-force numpy enumeration (Hodges-Lehmann) said about one case.
struct ReferenceResult {
    var pValue: Double
    var u1: Double
    var hodgesLehmannEstimate: Double?
    var hodgesLehmannInterval: ClosedRange<Double>?
}

enum SciPyReference {
    /// Why the reference cannot run here, or `nil` when python3 with numpy and scipy is available.
    static let unavailableReason: String? = {
        do {
            let result = try run(["-c", "import numpy, scipy"])
            return result.status == 0 ? nil : "python3 cannot import numpy/scipy: \(result.stderr)"
        } catch {
            return "python3 not found (\(error))"
        }
    }()

    /// Whether the environment demands the check (`CI=true`): then a missing tool is a failure, not a skip.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var scriptURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/interop/mannwhitney_reference.py")
    }

    static func results(for cases: [ReferenceCase]) throws -> [ReferenceResult] {
        let payload: [String: Any] = [
            "cases": cases.map { item in
                [
                    "x": item.baseline.map { NSNumber(value: $0) },
                    "y": item.candidate.map { NSNumber(value: $0) },
                    "method": item.method,
                    "hodges_lehmann": item.hodgesLehmann,
                    "confidence": item.confidence,
                ] as [String: Any]
            }
        ]
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("tracekit-mannwhitney-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: payload).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try run([scriptURL.path, input.path])
        guard result.status == 0 else { throw ReferenceError.scriptFailed(result.status, result.stderr) }
        guard let list = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]],
            list.count == cases.count
        else { throw ReferenceError.unreadableOutput(result.stdout) }
        return try list.map { entry in
            guard let p = (entry["p"] as? NSNumber)?.doubleValue, let u1 = (entry["u1"] as? NSNumber)?.doubleValue
            else { throw ReferenceError.unreadableOutput("\(entry)") }
            var reference = ReferenceResult(pValue: p, u1: u1)
            if let hl = entry["hl"] as? [String: Any] {
                reference.hodgesLehmannEstimate = (hl["estimate"] as? NSNumber)?.doubleValue
                if let bounds = hl["interval"] as? [NSNumber], bounds.count == 2 {
                    reference.hodgesLehmannInterval = bounds[0].doubleValue...bounds[1].doubleValue
                }
            }
            return reference
        }
    }

    enum ReferenceError: Error {
        case scriptFailed(Int32, String)
        case unreadableOutput(String)
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: a full pipe would otherwise block the child forever.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}
