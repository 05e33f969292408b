// CorpusTests: every log of the golden corpus reads to its committed expected output, by both Swift readers and
// by the independent Python reader.

import Foundation
import Testing
import TraceKit

@testable import TraceExport
@testable import TraceLog

/// The golden corpus (`Tests/TraceLogTests/Corpus`, Docs/LogFormat.md section 6): logs of every format version so far,
/// each with `NAME.replay.jsonl` (what `tracekit replay --json NAME` prints) and `NAME.summary.json` (file headers,
/// drop notices, damage, end-of-file marker). The corpus only grows (Docs/LogFormat.md section 6).
@Suite struct CorpusTests {
    /// The corpus as the test bundle holds it.
    static var directory: String? { Bundle.module.url(forResource: "Corpus", withExtension: nil)?.path }

    /// The corpus in the source tree, where `TRACEKIT_CORPUS_WRITE=1` adds what is missing.
    static let sourceDirectory =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus").path

    static func logNames(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".tklog") }
            .sorted()
    }

    static func expected(_ directory: String, _ log: String, _ suffix: String) -> String? {
        let path = directory + "/" + log.dropLast(".tklog".count) + suffix
        return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// What `tracekit replay --json` prints for these spans.
    static func replayLines(_ spans: [SpanRecord]) -> String {
        spans.map { SpanJSONEncoder.line($0) + "\n" }.joined()
    }

    /// What one reading of a log found besides its spans, in the corpus' summary form.
    struct Summary {
        var spanCount = 0
        var headers: [LogFileHeader] = []
        var dropped: [DroppedSpans] = []
        var damages: [LogDamage] = []
        var sawEndOfFileMarker = false

        /// One line of JSON, keys in a fixed order (as `tklog_check.py` writes them).
        var json: String {
            var json = JSONWriter(capacity: 1024)
            json.beginObject()
            json.key("span_count")
            json.unsigned(UInt64(spanCount))
            json.key("headers")
            json.beginArray()
            for header in headers {
                json.beginObject()
                json.key("format_version")
                json.unsigned(header.formatVersion)
                json.key("opened_unix_nano")
                json.unsigned(header.openedUnixNanoseconds)
                json.key("file_sequence")
                json.unsigned(header.fileSequence)
                json.key("service_name")
                json.string(header.resource.serviceName)
                json.key("host_name")
                json.string(header.resource.hostName)
                json.key("process_id")
                json.integer(header.resource.processID)
                json.key("process_start_unix_nano")
                json.unsigned(header.resource.processStartUnixNanoseconds)
                json.key("library_version")
                json.string(header.resource.libraryVersion)
                json.key("attributes")
                SpanJSONEncoder.writeAttributes(header.resource.attributes, to: &json)
                json.endObject()
            }
            json.endArray()
            json.key("dropped")
            json.beginArray()
            for notice in dropped {
                json.beginObject()
                json.key("reason")
                json.unsigned(UInt64(notice.reason.code))
                json.key("count")
                json.unsigned(notice.count)
                json.key("recorded_unix_nano")
                json.unsigned(notice.recordedUnixNanoseconds)
                json.endObject()
            }
            json.endArray()
            json.key("damage")
            json.beginArray()
            for damage in damages {
                json.beginObject()
                json.key("offset")
                json.integer(damage.offset)
                json.key("length")
                json.integer(damage.length)
                json.key("kind")
                json.string("\(damage.kind)")
                json.endObject()
            }
            json.endArray()
            json.key("ends_with_eof_marker")
            json.bool(sawEndOfFileMarker)
            json.endObject()
            return json.text + "\n"
        }
    }

    /// The spans and summary of `path` as `LogReader` reads it.
    static func readRecords(_ path: String, readAhead: Bool) throws -> (spans: [SpanRecord], summary: Summary) {
        let reader = try LogReader(path: path, readAhead: readAhead)
        var spans: [SpanRecord] = []
        var summary = Summary()
        while let entry = reader.next() {
            switch entry {
            case .span(let span): spans.append(span)
            case .header(let header): summary.headers.append(header)
            case .droppedSpans(let notice): summary.dropped.append(notice)
            case .damage(let damage): summary.damages.append(damage)
            }
        }
        summary.spanCount = spans.count
        summary.sawEndOfFileMarker = reader.sawEndOfFileMarker
        return (spans, summary)
    }

    /// The spans and summary of `path` as `LogBatchReader` reads it.
    static func readBatches(_ path: String, readAhead: Bool) throws -> (spans: [SpanRecord], summary: Summary) {
        let reader = try LogBatchReader(path: path, readAhead: readAhead)
        var spans: [SpanRecord] = []
        var summary = Summary()
        while let entry = reader.next() {
            switch entry {
            case .spans(let batch): spans += batch.records
            case .header(let header): summary.headers.append(header)
            case .droppedSpans(let notice): summary.dropped.append(notice)
            case .damage(let damage): summary.damages.append(damage)
            }
        }
        summary.spanCount = spans.count
        summary.sawEndOfFileMarker = reader.sawEndOfFileMarker
        return (spans, summary)
    }

    @Test func theCorpusHoldsEveryFormatVersionAndItsExpectedOutputs() throws {
        let directory = try #require(Self.directory, "the Corpus folder is missing from the test bundle")
        let logs = Self.logNames(in: directory)
        #expect(logs.contains { $0.hasPrefix("v1-") })
        #expect(logs.contains { $0.hasPrefix("v2-") })
        for log in logs {
            #expect(Self.expected(directory, log, ".replay.jsonl") != nil, "\(log) has no .replay.jsonl")
            #expect(Self.expected(directory, log, ".summary.json") != nil, "\(log) has no .summary.json")
        }
        // Small enough to live in the repository (a few hundred KB at most).
        let bytes = try FileManager.default.contentsOfDirectory(atPath: directory).reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size]) as? Int ?? 0)
        }
        #expect(bytes < 400_000)
    }

    @Test(arguments: [false, true])
    func everyCorpusLogReadsToItsExpectedOutputWithLogReader(readAhead: Bool) throws {
        let directory = try #require(Self.directory)
        for log in Self.logNames(in: directory) {
            let read = try Self.readRecords(directory + "/" + log, readAhead: readAhead)
            #expect(Self.replayLines(read.spans) == Self.expected(directory, log, ".replay.jsonl"), "\(log)")
            #expect(read.summary.json == Self.expected(directory, log, ".summary.json"), "\(log)")
        }
    }

    @Test(arguments: [false, true])
    func everyCorpusLogReadsToItsExpectedOutputWithLogBatchReader(readAhead: Bool) throws {
        let directory = try #require(Self.directory)
        for log in Self.logNames(in: directory) {
            let read = try Self.readBatches(directory + "/" + log, readAhead: readAhead)
            #expect(Self.replayLines(read.spans) == Self.expected(directory, log, ".replay.jsonl"), "\(log)")
            #expect(read.summary.json == Self.expected(directory, log, ".summary.json"), "\(log)")
        }
    }

    @Test(.enabled(if: PeerToolTests.available("python3"), "python3 is not installed (Debian package python3)"))
    func theIndependentPythonReaderReadsEveryCorpusLogToTheExpectedOutput() async throws {
        let directory = try #require(Self.directory)
        guard let python = PeerToolTests.require("python3", package: "python3") else { return }
        let result = try await ChildProcess.run(python, [PeerToolTests.checker, "--corpus", directory])
        let output = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "tklog_check.py --corpus: \(output)\(result.stderr)")
        #expect(output.hasSuffix("corpus: \(Self.logNames(in: directory).count) logs, 0 differences\n"), "\(output)")
    }

    /// `TRACEKIT_CORPUS_WRITE=1 swift test --filter CorpusTests`: adds the logs only Swift writes and the expected
    /// outputs of every log that has none, from the current readers, to the source tree; never replaces a file.
    /// Run `Scripts/interop/make_tklog_corpus.py Tests/TraceLogTests/Corpus` first for the hand-built logs.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TRACEKIT_CORPUS_WRITE"] == "1"))
    func writeMissingCorpusFiles() throws {
        let directory = Self.sourceDirectory
        let manager = FileManager.default
        let example = directory + "/v1-spec-example.tklog"
        if !manager.fileExists(atPath: example) { TestFiles.write(SpecExampleTests.exampleBytes, to: example) }
        let written = directory + "/v2-writer.tklog"
        if !manager.fileExists(atPath: written) {
            let scheme = TraceRecorder(TraceConfiguration(service: "corpus")).identifiers
            var generator = SpanGenerator(seed: 2025, scheme: scheme)
            let spans = (0..<48).map { _ in generator.span() }
            var options = LogWriterOptions()
            options.identifiers = scheme
            _ = try TestFiles.writeLog(spans, to: written, perBlock: 16, options: options)
        }
        for log in Self.logNames(in: directory) {
            let read = try Self.readRecords(directory + "/" + log, readAhead: false)
            let stem = directory + "/" + log.dropLast(".tklog".count)
            if !manager.fileExists(atPath: stem + ".replay.jsonl") {
                TestFiles.write(Array(Self.replayLines(read.spans).utf8), to: stem + ".replay.jsonl")
            }
            if !manager.fileExists(atPath: stem + ".summary.json") {
                TestFiles.write(Array(read.summary.json.utf8), to: stem + ".summary.json")
            }
        }
    }
}
