// CLIProcess: finds the built `tracekit` binary and runs it, or a peer tool, capturing status and output.

import Foundation
import Testing

enum CLIProcess {
    /// The built `tracekit` executable, next to the test bundle in the build directory.
    static var tracekitPath: String? {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["TRACEKIT_BINARY"] { candidates.append(override) }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("tracekit").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/tracekit")
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
    }

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `tracekit` with `arguments`; records an issue and throws when the binary was not built.
    static func tracekit(
        _ arguments: [String], in directory: String? = nil, standardOutput: FileHandle? = nil,
        standardError: FileHandle? = nil
    ) throws -> Output {
        guard let path = tracekitPath else {
            Issue.record("the tracekit binary was not found next to the tests; run `swift build --product tracekit`")
            throw MissingBinary()
        }
        return try run(
            path, arguments, in: directory, standardOutput: standardOutput, standardError: standardError)
    }

    struct MissingBinary: Error {}

    /// Runs `executable` with `arguments`, `input` on stdin; stdout and stderr are read concurrently. With
    /// `standardOutput` or `standardError` (for example `/dev/full`), that stream goes there instead and comes
    /// back empty. With `giveUpAfter`, a process still running then is killed (SIGKILL: a child of the test
    /// process inherits a signal mask that blocks most signals, so `timeout(1)` and SIGTERM do not work).
    static func run(
        _ executable: String, _ arguments: [String], input: Data = Data(), in directory: String? = nil,
        standardOutput: FileHandle? = nil, standardError: FileHandle? = nil, giveUpAfter: Duration? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = standardOutput ?? stdout
        process.standardError = standardError ?? stderr
        try process.run()
        if let giveUpAfter {
            let pid = process.processIdentifier
            let seconds = Double(giveUpAfter.components.seconds)
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { _ = kill(pid, SIGKILL) }
        }
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorBox = DataBox()
        let errorReader = Thread {
            errorBox.set(standardError == nil ? stderr.fileHandleForReading.readDataToEndOfFile() : Data())
        }
        errorReader.start()
        let out = standardOutput == nil ? stdout.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        let errorData = errorBox.wait()
        return Output(
            status: process.terminationStatus, stdout: out, stderr: String(decoding: errorData, as: UTF8.self))
    }

    /// The absolute path of `tool` on PATH, or `nil`.
    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Whether `python3` can import every module in `modules`.
    static func pythonHas(_ modules: [String]) -> Bool {
        guard let python = which("python3") else { return false }
        let script = modules.map { "import \($0)" }.joined(separator: "; ")
        return (try? run(python, ["-c", script]))?.status == 0
    }

    /// Returns true when `available`; otherwise fails the test under CI=true, or prints a skip note.
    static func require(_ available: Bool, _ what: String) -> Bool {
        if available { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("required tool missing under CI=true: \(what) (Scripts/ensure-tools.sh installs it)")
        } else {
            print("note: skipped, \(what) is not installed (Scripts/test.sh installs it)")
        }
        return false
    }

    /// A box the stderr reader thread fills; `wait()` blocks until it has.
    final class DataBox: @unchecked Sendable {  // @unchecked: `data` is only touched under `condition`.
        private let condition = NSCondition()
        private var data: Data?

        func set(_ value: Data) {
            condition.lock()
            data = value
            condition.signal()
            condition.unlock()
        }

        func wait() -> Data {
            condition.lock()
            defer { condition.unlock() }
            while data == nil { condition.wait() }
            return data ?? Data()
        }
    }
}
