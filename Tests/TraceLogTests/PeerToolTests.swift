// PeerToolTests: real gzip tools and Python read our logs (gzip -t, zcat, bgzip -d, Python gzip, tklog_check.py).
//
// A missing tool skips its test with a note, except with CI=true, where it fails naming the tool.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite(.serialized) struct PeerToolTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let checker = packageRoot + "/Scripts/interop/tklog_check.py"

    static func available(_ tool: String) -> Bool { ChildProcess.which(tool) != nil || ChildProcess.isCI }

    /// Finds `tool` or records a failure naming it (only reached when missing under CI=true).
    static func require(_ tool: String, package: String) -> String? {
        guard let path = ChildProcess.which(tool) else {
            Issue.record("peer tool '\(tool)' is missing (install Debian package '\(package)'); CI=true requires it")
            return nil
        }
        return path
    }

    /// A multi-block log of recorder-made spans (counter-coded ids) and foreign spans (raw ids).
    static func makeLog(in directory: TemporaryDirectory) throws -> (path: String, spans: [SpanRecord]) {
        let path = directory.file("peers.tklog")
        let scheme = TraceRecorder(TraceConfiguration(service: "ids")).identifiers
        var generator = SpanGenerator(seed: 77, scheme: scheme)
        let spans = (0..<5000).map { _ in generator.span() }
        var options = LogWriterOptions()
        options.identifiers = scheme
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 1200, options: options)
        return (path, spans)
    }

    /// The concatenated block payloads, as our own inflater sees them: what every gzip tool must output.
    static func payloads(_ path: String) throws -> Data {
        let scanner = try BlockScanner(file: try FileHandle.openForReading(path))
        var data = Data()
        while case .block(_, _, let length) = scanner.next() {
            data.append(contentsOf: scanner.inflater.payload[0..<length])
        }
        return data
    }

    @Test(.enabled(if: available("gzip"), "gzip is not installed (Debian package gzip)"))
    func gzipTestAcceptsALog() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        guard let gzip = Self.require("gzip", package: "gzip") else { return }
        let log = try Self.makeLog(in: directory)
        let result = try await ChildProcess.run(gzip, ["-t", log.path])
        #expect(result.status == 0, "gzip -t: \(result.stderr)")
    }

    @Test(.enabled(if: available("zcat"), "zcat is not installed (Debian package gzip)"))
    func zcatDecompressesALogToTheBlockPayloads() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        guard let zcat = Self.require("zcat", package: "gzip") else { return }
        let log = try Self.makeLog(in: directory)
        let result = try await ChildProcess.run(zcat, [log.path])
        #expect(result.status == 0, "zcat: \(result.stderr)")
        let expected = try Self.payloads(log.path)
        #expect(expected.count > 65536)
        #expect(result.stdout == expected)
    }

    @Test(.enabled(if: available("bgzip"), "bgzip is not installed (Debian package tabix)"))
    func bgzipDecompressesALogToTheBlockPayloads() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        guard let bgzip = Self.require("bgzip", package: "tabix") else { return }
        let log = try Self.makeLog(in: directory)
        let result = try await ChildProcess.run(bgzip, ["-d", "-c", log.path])
        #expect(result.status == 0, "bgzip -d: \(result.stderr)")
        #expect(result.stdout == (try Self.payloads(log.path)))
        // bgzip's own reader also checks the EOF marker: it warns on stderr when it is missing.
        #expect(!result.stderr.contains("EOF marker"))
    }

    @Test(.enabled(if: available("python3"), "python3 is not installed (Debian package python3)"))
    func pythonsGzipModuleReadsALog() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        guard let python = Self.require("python3", package: "python3") else { return }
        let log = try Self.makeLog(in: directory)
        let script = "import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())"
        let result = try await ChildProcess.run(python, ["-c", script, log.path])
        #expect(result.status == 0, "python gzip: \(result.stderr)")
        #expect(result.stdout == (try Self.payloads(log.path)))
    }

    @Test(.enabled(if: available("python3"), "python3 is not installed (Debian package python3)"))
    func anIndependentPythonReaderWrittenFromTheSpecDecodesTheSameSpans() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        guard let python = Self.require("python3", package: "python3") else { return }
        let log = try Self.makeLog(in: directory)
        let result = try await ChildProcess.run(python, [Self.checker, "--spans", log.path])
        #expect(result.status == 0, "tklog_check.py: \(result.stderr)")
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        let pythonSpans = objects.dropLast()
        #expect(pythonSpans.count == log.spans.count)
        for (python, span) in zip(pythonSpans, log.spans) {
            #expect(python["traceID"] as? String == span.traceID.description)
            #expect(python["spanID"] as? String == span.spanID.description)
            #expect(python["parentSpanID"] as? String == span.parentSpanID?.description)
            #expect((python["start"] as? NSNumber)?.uint64Value == span.startUnixNanoseconds)
            #expect((python["duration"] as? NSNumber)?.uint64Value == span.durationNanoseconds)
            #expect(python["name"] as? String == span.name)
            #expect((python["kind"] as? Int) == Int(span.kind.rawValue))
            #expect((python["samplingThreshold"] as? NSNumber)?.uint64Value == span.samplingThreshold)
            let keys = (python["attributes"] as? [[Any]])?.compactMap { $0.first as? String }
            #expect(keys == span.attributes.map(\.key))
        }
        let summary = objects.last ?? [:]
        #expect(summary["endsWithEOFMarker"] as? Bool == true)
        #expect((summary["damage"] as? [Any])?.isEmpty == true)
    }

    @Test(.enabled(if: available("python3"), "python3 is not installed (Debian package python3)"))
    func thePythonReaderReportsATornTailAtTheSameOffsetAsOurs() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        guard let python = Self.require("python3", package: "python3") else { return }
        let log = try Self.makeLog(in: directory)
        let bytes = TestFiles.bytes(log.path)
        let cut = directory.file("cut.tklog")
        TestFiles.write(Array(bytes[0..<(bytes.count - 1000)]), to: cut)
        let ours = Array(try LogReader(path: cut)).damages
        let result = try await ChildProcess.run(python, [Self.checker, cut])
        #expect(result.status == 1)
        let summary = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        let damage = (summary?["damage"] as? [[String: Any]])?.compactMap { ($0["offset"] as? NSNumber)?.int64Value }
        #expect(damage == ours.map(\.offset))
        #expect(ours.count == 1)
    }
}
