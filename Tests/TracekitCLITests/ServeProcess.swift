// ServeProcess: runs `tracekit serve` in the background for a test, reads its port, talks HTTP to it, stops it.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A running `tracekit serve`; stopped (SIGKILL) when the test lets go of it.
// @unchecked Sendable: a test hands it from thread to thread but never uses it from two at once.
final class ServeProcess: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let process = Process()
    private let stdout = Pipe()
    private let stderrFile: String
    private var stdoutBuffer = Data()

    /// Starts `tracekit serve ARGUMENTS`; stderr goes to a file (read with ``standardError``).
    init(_ arguments: [String], directory: TemporaryDirectory) throws {
        guard let path = CLIProcess.tracekitPath else {
            Issue.record("the tracekit binary was not found next to the tests; run `swift build --product tracekit`")
            throw CLIProcess.MissingBinary()
        }
        stderrFile = directory.file("serve-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: stderrFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["serve"] + arguments
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrFile))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The exit status, or nil while it runs (Foundation traps on `terminationStatus` of a running process).
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    var standardError: String { (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? "" }

    /// The next line of stdout, or nil when stdout closed first (the process ended).
    func readLine() -> String? {
        while true {
            if let newline = stdoutBuffer.firstIndex(of: 10) {
                let line = String(decoding: stdoutBuffer[stdoutBuffer.startIndex..<newline], as: UTF8.self)
                stdoutBuffer.removeSubrange(stdoutBuffer.startIndex...newline)
                return line
            }
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            stdoutBuffer.append(chunk)
        }
    }

    /// Reads the `serving http://HOST:PORT/metrics ...` line and returns the port.
    func port() throws -> Int {
        guard let line = readLine() else {
            throw Failure(description: "serve ended before listening: \(standardError)")
        }
        guard let range = line.range(of: #":(\d+)/metrics"#, options: .regularExpression),
            let port = Int(line[range].dropFirst().prefix { $0.isNumber })
        else { throw Failure(description: "no port in \(line)") }
        return port
    }

    /// Sends `signal` and waits for the exit, giving up (false) after `seconds`.
    func stop(with signal: Int32 = SIGTERM, within seconds: Double = 60) -> Bool {
        kill(process.processIdentifier, signal)
        return waitForExit(within: seconds)
    }

    /// Waits for the process to end by itself, giving up (false) after `seconds`.
    func waitForExit(within seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { return false }
        process.waitUntilExit()
        return true
    }
}

/// One HTTP/1.1 request on a fresh loopback connection; status and body (nil when the connection failed).
func httpGet(
    port: Int, path: String = "/metrics", accept: String? = nil, timeoutSeconds: Int = 30
) -> (status: Int, body: String)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else { return nil }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if let accept { request += "Accept: \(accept)\r\n" }
    request += "\r\n"
    let bytes = Array(request.utf8)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
        return nil
    }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        data.append(contentsOf: buffer[0..<count])
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let headEnd = text.range(of: "\r\n\r\n"), text.hasPrefix("HTTP/1.1 ") else { return nil }
    let status = Int(text.dropFirst(9).prefix(3)) ?? 0
    return (status, String(text[headEnd.upperBound...]))
}

/// A free loopback port (bound and released).
func freeLoopbackPort() -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
}

/// Runs blocking test work (waiting for a process, polling sockets) on its own thread, off the concurrency pool that
/// the other suites' servers need.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }.start()
    }
}
