// LogFixture: trace logs with known contents for the CLI tests, written with the real LogWriter.

import Foundation
import TraceKit
import TraceLog

/// A temporary directory per test, removed when the fixture goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "tracekit-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Known spans: `traceCount` traces of `request` (server) > `db.query` (client) + `render`, with a hostile
/// span name in the first trace; `db.query` takes `queryMilliseconds` plus a little seeded jitter.
struct LogFixture {
    var traceCount = 60
    var queryMilliseconds: UInt64 = 10
    /// Seals a block every this many traces, so the file has many blocks.
    var tracesPerBlock = 10
    static let hostileName = "<script>alert('x')</script> & \"q\""
    static let baseTime: UInt64 = 1_764_000_000_000_000_000

    /// The spans, in the order they finish (children before parents).
    var spans: [SpanRecord] {
        var spans: [SpanRecord] = []
        var jitter: UInt64 = 12345
        for index in 0..<traceCount {
            jitter = jitter &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let traceID = TraceID(high: 0xABCD, low: UInt64(index + 1))
            let root = SpanID(rawValue: UInt64(index) * 16 + 1)
            let start = Self.baseTime + UInt64(index) * 100_000_000
            let query = queryMilliseconds * 1_000_000 + (jitter >> 33) % 1_000_000
            let render: UInt64 = 2_000_000
            let name = index == 0 ? Self.hostileName : "render"
            spans.append(
                SpanRecord(
                    traceID: traceID, spanID: SpanID(rawValue: UInt64(index) * 16 + 2), parentSpanID: root,
                    name: "db.query", kind: .client, startUnixNanoseconds: start + 1_000_000,
                    durationNanoseconds: query, attributes: ["db.system": "sqlite"]))
            spans.append(
                SpanRecord(
                    traceID: traceID, spanID: SpanID(rawValue: UInt64(index) * 16 + 3), parentSpanID: root,
                    name: name, status: index % 10 == 9 ? .error(message: "template missing") : .unset,
                    startUnixNanoseconds: start + 1_000_000 + query, durationNanoseconds: render))
            spans.append(
                SpanRecord(
                    traceID: traceID, spanID: root, name: "request", kind: .server,
                    startUnixNanoseconds: start, durationNanoseconds: query + render + 2_000_000,
                    attributes: [
                        "http.route": "/items", "http.request.method": "GET", "http.response.status_code": 200,
                    ]
                ))
        }
        return spans
    }

    /// Writes the spans to a new log at `path` and closes it.
    func write(to path: String) throws {
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "cli-test"))
        for (index, span) in spans.enumerated() {
            writer.consume(span)
            if (index + 1) % (3 * tracesPerBlock) == 0 { writer.flush() }
        }
        writer.shutdown()
    }

    /// Writes `traceCount` traces of 1-6 spans each, spans of different traces interleaved and spread over many
    /// blocks, durations from a few values (so traces tie and the tie-breaks matter), names from `nameCount`.
    static func writeInterleaved(to path: String, traceCount: Int, nameCount: Int = 4, seed: UInt64) throws {
        var state = seed
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        var spans: [SpanRecord] = []
        for trace in 0..<traceCount {
            let traceID = TraceID(high: next(3), low: UInt64(trace) &* 0x9E37_79B9 &+ 1)
            let start = baseTime + 1_000_000 * next(4)
            let count = Int(next(6)) + 1
            for index in 0..<count {
                spans.append(
                    SpanRecord(
                        traceID: traceID, spanID: SpanID(rawValue: UInt64(index + 1)),
                        parentSpanID: index == 0 ? nil : SpanID(rawValue: 1),
                        name: "op-\((trace + index) % nameCount)", startUnixNanoseconds: start + 500_000 * next(3),
                        durationNanoseconds: 1_000_000 * (next(5) + 1)))
            }
        }
        for index in spans.indices.reversed() {
            spans.swapAt(index, Int(next(UInt64(index + 1))))
        }
        let writer = try LogWriter(path: path, resource: Resource(serviceName: "cli-test"))
        for (index, span) in spans.enumerated() {
            writer.consume(span)
            if index % 97 == 96 { writer.flush() }
        }
        writer.shutdown()
    }

    /// The offsets of the BGZF blocks of the file at `path` (BSIZE from each block's extra field).
    static func blockOffsets(_ path: String) throws -> [Int] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var offsets: [Int] = []
        var offset = 0
        while offset + 18 <= bytes.count, bytes[offset] == 0x1F, bytes[offset + 1] == 0x8B {
            offsets.append(offset)
            offset += (Int(bytes[offset + 16]) | (Int(bytes[offset + 17]) << 8)) + 1
        }
        return offsets
    }
}
