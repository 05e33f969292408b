// ExternalTool: finds and runs peer tools (prometheus, python3) from tests; a missing tool fails under CI=true.

import Foundation
import Testing

enum ExternalTool {
    /// Whether missing tools must fail the test (CI) rather than skip it.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The full path of `name` on `PATH`, or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether `python3` can import every module in `modules`.
    static func pythonHas(_ modules: [String]) -> Bool {
        guard let python = find("python3") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", modules.map { "import \($0)" }.joined(separator: "; ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Records a failure under CI, or prints a skip note elsewhere, when `available` is false.
    static func require(_ available: Bool, _ what: String) -> Bool {
        if available { return true }
        if isCI {
            Issue.record("required tool missing under CI=true: \(what)")
        } else {
            print("note: skipped, \(what) is not installed (Scripts/ensure-tools.sh installs it)")
        }
        return false
    }

    /// A free loopback TCP port (bound and released; good enough for a test's child process).
    static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }
}
