// ChildProcess: runs the TraceLogCrashChild helper and external tools for the process-level tests.

import Foundation

enum ChildProcess {
    /// The built `TraceLogCrashChild` executable, next to the test bundle in the build directory.
    static var crashChildPath: String? {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["TRACELOG_CRASH_CHILD"] { candidates.append(override) }
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("TraceLogCrashChild").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/TraceLogCrashChild")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The absolute path of `tool` on PATH, or `nil`.
    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Whether the tests run in CI, where a missing peer tool is a failure rather than a skip.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `executable` with `arguments` and waits; stdin from `input` if given. A child still running after
    /// `killAfter` is killed (SIGKILL, status 9 in `Output`): a give-up bound for a child that might hang.
    ///
    /// The waiting happens on a thread of its own: a test that blocked one of the two threads of the Swift
    /// concurrency pool for seconds would starve tests that serve HTTP from that pool.
    static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, killAfter: Duration = .seconds(600)
    ) async throws -> Output {
        try await offPool { try runBlocking(executable, arguments, input: input, killAfter: killAfter) }
    }

    static func runBlocking(
        _ executable: String, _ arguments: [String], input: Data? = nil, killAfter: Duration = .seconds(600)
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let inPipe = Pipe()
        if input != nil { process.standardInput = inPipe }
        try process.run()
        let pid = process.processIdentifier
        let watchdog = Thread {
            let deadline = ContinuousClock.now + killAfter
            while ContinuousClock.now < deadline {
                if kill(pid, 0) != 0 { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            kill(pid, SIGKILL)
        }
        watchdog.start()
        if let input {
            inPipe.fileHandleForWriting.write(input)
            try inPipe.fileHandleForWriting.close()
        }
        // The tools here write little to stderr, so reading stdout first cannot fill the stderr pipe.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errorData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: data, stderr: String(decoding: errorData, as: UTF8.self))
    }
}

/// Runs blocking test work on a new thread and awaits its result, keeping it off the Swift concurrency pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}
