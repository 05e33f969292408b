// RoundTripTests: spans written to a log come back identical, field by field, for every attribute type.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite struct RoundTripTests {
    static let scheme = TraceRecorder(TraceConfiguration(service: "ids")).identifiers

    @Test(arguments: [1 as UInt64, 2, 3, 42, 0xDEAD_BEEF])
    func randomSpansComeBackIdenticalThroughTheEncoder(seed: UInt64) throws {
        var generator = SpanGenerator(seed: seed, scheme: Self.scheme)
        let spans = (0..<2000).map { _ in generator.span() }
        var encoder = BlockEncoder(identifiers: IdentifierKeys(Self.scheme))
        var decoded: [LogEntry] = []
        var blocks = 0
        for span in spans {
            if !encoder.append(span) {
                try decode(encoder.seal(), into: &decoded)
                blocks += 1
                let appended = encoder.append(span)
                #expect(appended)
            }
        }
        try decode(encoder.seal(), into: &decoded)
        #expect(blocks > 1)
        #expect(decoded.spans == spans)
    }

    @Test func spansWithoutAnIdentifierSchemeStoreRawIdsAndComeBack() throws {
        var generator = SpanGenerator(seed: 9, scheme: Self.scheme)
        let spans = (0..<500).map { _ in generator.span() }
        var encoder = BlockEncoder(identifiers: nil)
        var decoded: [LogEntry] = []
        for span in spans {
            if !encoder.append(span) {
                try decode(encoder.seal(), into: &decoded)
                _ = encoder.append(span)
            }
        }
        try decode(encoder.seal(), into: &decoded)
        #expect(decoded.spans == spans)
    }

    @Test(arguments: [7 as UInt64, 8])
    func randomSpansComeBackIdenticalThroughWriterAndReader(seed: UInt64) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("roundtrip.tklog")
        var generator = SpanGenerator(seed: seed, scheme: Self.scheme)
        let spans = (0..<3000).map { _ in generator.span() }
        var options = LogWriterOptions()
        options.identifiers = Self.scheme
        let statistics = try TestFiles.writeLog(spans, to: path, perBlock: 700, options: options)
        #expect(statistics.spansWritten == 3000)
        #expect(statistics.spansDropped == 0)

        let reader = try LogReader(path: path)
        let entries = Array(reader)
        #expect(entries.spans == spans)
        #expect(entries.damages.isEmpty)
        #expect(reader.sawEndOfFileMarker)
        guard case .header(let header) = entries.first else {
            Issue.record("the first entry is not the file header")
            return
        }
        #expect(header.resource == TestFiles.resource)
        #expect(header.formatVersion == LogFormat.formatVersion)
    }

    @Test func counterCodedIdsMakeSpansSmallerThanRawIds() throws {
        var generator = SpanGenerator(seed: 5, scheme: Self.scheme)
        var spans: [SpanRecord] = []
        for _ in 0..<200 {
            var span = generator.span()
            span.traceID = TraceID(high: Self.scheme.traceIDHigh, low: Self.scheme.traceIDLow.apply(generator.id()))
            span.spanID = SpanID(rawValue: Self.scheme.spanID.apply(generator.id()))
            span.parentSpanID = nil
            spans.append(span)
        }
        var counterCoded = BlockEncoder(identifiers: IdentifierKeys(Self.scheme))
        var raw = BlockEncoder(identifiers: nil)
        for span in spans {
            let appendedCounter = counterCoded.append(span)
            let appendedRaw = raw.append(span)
            #expect(appendedCounter && appendedRaw)
        }
        // Raw ids cost 24 bytes a span; counters a few.
        #expect(raw.payloadSize - counterCoded.payloadSize > 200 * 18)
    }

    @Test func unknownRecordTypesAreSkippedByLength() throws {
        var generator = SpanGenerator(seed: 11)
        let spans = [generator.span(), generator.span()]
        var encoder = BlockEncoder(identifiers: nil)
        for span in spans {
            let appended = encoder.append(span)
            #expect(appended)
        }
        let payload = encoder.seal()
        // Insert records of unknown types 0x7F (3-byte body) and 0x20 (empty) after the block header record.
        var length = 0
        var position = 1
        var shift = 0
        while true {
            length |= Int(payload[position] & 0x7F) << shift
            position += 1
            shift += 7
            if payload[position - 1] & 0x80 == 0 { break }
        }
        let headerEnd = position + length
        let extended = Array(payload[..<headerEnd]) + [0x7F, 3, 1, 2, 3, 0x20, 0] + Array(payload[headerEnd...])
        var decoded: [LogEntry] = []
        try decode(extended, into: &decoded)
        #expect(decoded.spans == spans)
    }

    @Test func aBlockIsAValidBGZFBlockWithSizeInTheBCField() throws {
        var generator = SpanGenerator(seed: 12)
        var encoder = BlockEncoder(identifiers: nil)
        for _ in 0..<50 { _ = encoder.append(generator.span()) }
        let payload = encoder.seal()
        let block = try BlockCompressor(level: 6).makeBlock(payload)
        #expect(Array(block[0..<4]) == [0x1F, 0x8B, 0x08, 0x04])
        #expect(Array(block[12..<16]) == [0x42, 0x43, 0x02, 0x00])
        #expect(Int(block[16]) | Int(block[17]) << 8 == block.count - 1)
        let isize = block.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(isize == payload.count)
    }

    @Test func incompressiblePayloadsStillFitInOneBlock() throws {
        var random = SeededGenerator(seed: 13)
        let payload = (0..<LogFormat.maxPayloadBytes).map { _ in UInt8.random(in: 0...255, using: &random) }
        let block = try BlockCompressor(level: 9).makeBlock(payload)
        #expect(block.count <= LogFormat.maxBlockBytes)
        let inflater = try BlockInflater()
        let length = try block.withUnsafeBytes { raw -> Int in
            guard case .header(let header) = BlockInflater.parseHeader(raw) else {
                throw TraceLogError.compressionFailed(reason: "header")
            }
            return try inflater.inflate(raw, header: header).get()
        }
        #expect(Array(inflater.payload[0..<length]) == payload)
    }

    private func decode(_ payload: [UInt8], into entries: inout [LogEntry]) throws {
        try payload.withUnsafeBytes { raw in
            try BlockDecoder.decode(raw, into: &entries)
        }
    }
}
