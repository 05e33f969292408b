// TestFiles: temporary directories and file helpers for the trace log tests.

import Foundation
import TraceKit

@testable import TraceLog

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(_ label: String = #function) {
        let name = label.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "tracelog-\(name)-\(UInt64.random(in: 0...UInt64.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum TestFiles {
    static func bytes(_ path: String) -> [UInt8] {
        (FileManager.default.contents(atPath: path)).map { [UInt8]($0) } ?? []
    }

    static func write(_ bytes: [UInt8], to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    static let resource = Resource(
        serviceName: "test-service", hostName: "test-host", processID: 4242, processStartUnixNanoseconds: 1_000,
        libraryVersion: "0.1.0", attributes: ["deployment.environment": "test", "shard": 3])

    /// Appends to the same inode (a follow-mode reader must not see a new file).
    static func appendInPlace(_ bytes: [UInt8], to path: String) {
        let descriptor = open(path, O_WRONLY | O_APPEND)
        guard descriptor >= 0 else { return }
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    /// Truncates the file in place.
    static func truncateInPlace(_ path: String, to size: Int) {
        _ = Glibc.truncate(path, off_t(size))
    }

    /// Writes `spans` to `path` in blocks of `perBlock` spans (a flush after each group), then closes cleanly.
    static func writeLog(
        _ spans: [SpanRecord], to path: String, perBlock: Int, options: LogWriterOptions = LogWriterOptions()
    ) throws -> LogWriterStatistics {
        let writer = try LogWriter(path: path, resource: resource, options: options)
        for (index, span) in spans.enumerated() {
            writer.consume(span)
            if (index + 1) % perBlock == 0 { writer.flush() }
        }
        writer.shutdown()
        return writer.statistics
    }

    /// The offsets where blocks start, found by following BSIZE from the start.
    static func blockOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var offset = 0
        while offset + 18 <= bytes.count {
            offsets.append(offset)
            offset += (Int(bytes[offset + 16]) | Int(bytes[offset + 17]) << 8) + 1
        }
        return offsets
    }
}
