// LogBatchReaderTests: reading a log a block at a time gives exactly the spans, headers and damage LogReader gives.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite struct LogBatchReaderTests {
    static let scheme = TraceRecorder(TraceConfiguration(service: "ids")).identifiers

    /// The entries of `path` through `LogBatchReader`, spans turned back into records.
    static func batchEntries(_ path: String, readAhead: Bool = true) throws -> (
        spans: [SpanRecord], headers: Int, damages: [LogDamage]
    ) {
        var spans: [SpanRecord] = []
        var headers = 0
        var damages: [LogDamage] = []
        for entry in try LogBatchReader(path: path, readAhead: readAhead) {
            switch entry {
            case .spans(let batch): spans += batch.records
            case .header: headers += 1
            case .damage(let damage): damages.append(damage)
            case .droppedSpans: break
            }
        }
        return (spans, headers, damages)
    }

    @Test(arguments: [71 as UInt64, 72])
    func batchesHoldExactlyTheSpansOfTheLog(seed: UInt64) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("batches.tklog")
        var generator = SpanGenerator(seed: seed, scheme: Self.scheme)
        let spans =
            (0..<2_000).map { _ in generator.span() } + SpanColumnsTests.childrenFirstTraces(seed: seed, count: 2_000)
        var options = LogWriterOptions()
        options.identifiers = Self.scheme
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 900, options: options)
        for readAhead in [true, false] {
            let read = try Self.batchEntries(path, readAhead: readAhead)
            #expect(read.damages.isEmpty)
            #expect(read.spans == Array(try LogReader(path: path)).spans)
            #expect(read.spans.count == spans.count)
        }
    }

    @Test func onlyTheChosenAttributesAreDecodedAndTheRestOfTheSpanIsWhole() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("projected.tklog")
        // Every value type, events and limit counts: unchosen doubles and arrays share the extra column with
        // what follows them, so skipping them must still read past them.
        var generator = SpanGenerator(seed: 73, scheme: Self.scheme)
        let spans = (0..<3_000).map { _ in generator.span() }
        var options = LogWriterOptions()
        options.identifiers = Self.scheme
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 700, options: options)
        // A version 1 block too: its spans are filtered the same way.
        let mixedPath = directory.file("mixed.tklog")
        TestFiles.write(SpecExampleTests.exampleBytes, to: mixedPath)
        let chosen: Set<String> = ["key.0.1", "key.1.2", "key.2.0", "key.3.3", "http.method"]
        for file in [path, mixedPath] {
            let full = Array(try LogReader(path: file)).spans
            for readAhead in [true, false] {
                var projected: [SpanRecord] = []
                var shapeKeys: Set<String> = []
                for case .spans(let batch) in try LogBatchReader(path: file, readAhead: readAhead, attributes: chosen) {
                    projected += batch.records
                    for shape in batch.shapes { shapeKeys.formUnion(shape.keys) }
                }
                let expected = full.map { span in
                    var span = span
                    span.attributes = TraceAttributes(
                        span.attributes.filter { chosen.contains($0.key) }.map { ($0.key, $0.value) })
                    return span
                }
                #expect(projected == expected)
                #expect(shapeKeys.isSubset(of: chosen))
            }
            #expect(full.contains { !$0.attributes.isEmpty })
        }
        #expect(spans.contains { span in span.attributes.contains { chosen.contains($0.key) } })
    }

    @Test func fieldsAndAttributesAreReadableWithoutRecords() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("fields.tklog")
        let spans = SpanColumnsExampleTests.spans
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 10, options: LogWriterOptions())
        var batches: [SpanBatch] = []
        for case .spans(let batch) in try LogBatchReader(path: path) { batches.append(batch) }
        #expect(batches.count == 1)
        let batch = try #require(batches.first)
        #expect(batch.count == 2)
        #expect(batch.shape(at: 0).name == "db.query")
        #expect(batch.attribute("db.rows", at: 0) == .int(3))
        #expect(batch.attribute("http.status_code", at: 0) == nil)
        #expect(batch.attribute("http.status_code", at: 1) == .int(200))
        #expect(batch.parentSpanIDs[0] == spans[1].spanID)
        #expect(batch.endUnixNanoseconds(at: 1) == 1_700_000_000_000_003_500)
    }

    @Test func aMixedVersionFileAndDamageReadAsWithLogReader() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("mixed.tklog")
        TestFiles.write(SpecExampleTests.exampleBytes, to: path)
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        for span in SpanColumnsExampleTests.spans { writer.consume(span) }
        writer.shutdown()
        // Damage the first block (version 1) in its compressed data: both readers must skip it the same way.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[40] ^= 0xFF
        TestFiles.write(bytes, to: path)
        let reader = Array(try LogReader(path: path))
        for readAhead in [true, false] {
            let read = try Self.batchEntries(path, readAhead: readAhead)
            #expect(read.spans == reader.spans)
            #expect(read.damages == reader.damages)
            #expect(read.damages.count == 1)
            #expect(read.spans == SpanColumnsExampleTests.spans)
        }
    }
}
