// ExternalTool: runs a peer tool (python3, promtool, ...) from a test; a missing tool fails under CI=true.

import Foundation
import Testing

enum ExternalTool {
    /// Whether missing tools must fail the test (CI) rather than skip it.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether `python3` can import every module in `modules`.
    static func pythonHas(_ modules: [String]) -> Bool {
        (try? run("/usr/bin/env", ["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")]))?.status
            == 0
    }

    /// Records a failure under CI, or returns false (skip) elsewhere, when `available` is false.
    static func require(_ available: Bool, _ what: String) -> Bool {
        if available { return true }
        if isCI {
            Issue.record("required tool missing under CI=true: \(what)")
        } else {
            print("note: skipped, \(what) is not installed (Scripts/test.sh installs it)")
        }
        return false
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments`, feeding `input` on stdin.
    static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = Locked()
        let errorReader = Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errorData.get() == nil { usleep(1000) }
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errorData.get() ?? Data(), as: UTF8.self)
        )
    }

    // A tiny lock-protected box for the stderr reader thread's result.
    final class Locked: @unchecked Sendable {  // @unchecked: `data` is only touched under `lock`.
        private let lock = NSLock()
        private var data: Data?
        func set(_ value: Data) { lock.withLock { data = value } }
        func get() -> Data? { lock.withLock { data } }
    }
}
