// SpecRuleTests: the reading rules Docs/LogFormat.md settles (BC subfields, newer format versions, malformed
// records, invalid UTF-8, repeated keys), each pinned on the TraceKit reader.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite struct SpecRuleTests {
    /// A two-block log (the first block's spans named "first", the second's "second"), as bytes.
    static func twoBlockLog(in directory: TemporaryDirectory) throws -> [UInt8] {
        let path = directory.file("two.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        writer.consume(Self.span("first", id: 1))
        writer.flush()
        writer.consume(Self.span("second", id: 2))
        writer.shutdown()
        return TestFiles.bytes(path)
    }

    static func span(_ name: String, id: UInt64) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 1, low: 2), spanID: SpanID(rawValue: id), parentSpanID: nil, name: name,
            kind: .internal, status: .unset, startUnixNanoseconds: 1_000, durationNanoseconds: 10, attributes: [:])
    }

    /// `bytes` with the first block's 6-byte extra field replaced by `subfields(bsize)`, where `bsize` is the new
    /// BSIZE (the block grows by the extra bytes).
    static func replacingFirstExtraField(_ bytes: [UInt8], _ subfields: (Int) -> [UInt8]) -> [UInt8] {
        let oldSize = (Int(bytes[16]) | Int(bytes[17]) << 8) + 1
        let growth = subfields(0).count - 6
        let extra = subfields(oldSize - 1 + growth)
        var header = Array(bytes[0..<10])
        header += [UInt8(extra.count & 0xFF), UInt8(extra.count >> 8)] + extra
        return header + bytes[18...]
    }

    static func read(_ bytes: [UInt8], in directory: TemporaryDirectory) throws -> [LogEntry] {
        let path = directory.file("rule.tklog")
        TestFiles.write(bytes, to: path)
        return Array(try LogReader(path: path, readAhead: false))
    }

    @Test func aBlockWithTwoBCSubfieldsIsNoBlockAndTheReaderResynchronisesAfterIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let bytes = Self.replacingFirstExtraField(try Self.twoBlockLog(in: directory)) { bsize in
            let size = [UInt8(bsize & 0xFF), UInt8(bsize >> 8)]
            return [0x42, 0x43, 2, 0] + size + [0x42, 0x43, 2, 0] + size
        }
        let entries = try Self.read(bytes, in: directory)
        let damage = try #require(entries.damages.first)
        #expect(damage.offset == 0)
        #expect(damage.kind == .notABlock)
        #expect(damage.reason == "bad gzip header: more than one BC subfield")
        #expect(entries.spans.map(\.name) == ["second"])
    }

    @Test func aBCSubfieldOfAnotherLengthIsNoBlock() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let bytes = Self.replacingFirstExtraField(try Self.twoBlockLog(in: directory)) { bsize in
            [0x42, 0x43, 4, 0, UInt8(bsize & 0xFF), UInt8(bsize >> 8), 0, 0]
        }
        let entries = try Self.read(bytes, in: directory)
        let damage = try #require(entries.damages.first)
        #expect(damage.kind == .notABlock)
        #expect(damage.reason == "bad gzip header: BC subfield of length 4, not 2")
        #expect(entries.spans.map(\.name) == ["second"])
    }

    @Test func anotherSubfieldBesideTheBCSubfieldIsAllowed() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let bytes = Self.replacingFirstExtraField(try Self.twoBlockLog(in: directory)) { bsize in
            [0x41, 0x42, 1, 0, 0x7F, 0x42, 0x43, 2, 0, UInt8(bsize & 0xFF), UInt8(bsize >> 8)]
        }
        let entries = try Self.read(bytes, in: directory)
        #expect(entries.damages.isEmpty)
        #expect(entries.spans.map(\.name) == ["first", "second"])
    }

    /// The corpus log of format version 1000: read as far as version 2 knows it, and flagged.
    @Test func aNewerFormatVersionIsReadAsFarAsThisReaderKnowsItAndFlagged() throws {
        let directory = try #require(CorpusTests.directory)
        let entries = Array(try LogReader(path: directory + "/v1000-future-version.tklog"))
        let headers = entries.compactMap { entry -> LogFileHeader? in
            if case .header(let header) = entry { return header }
            return nil
        }
        #expect(headers.map(\.formatVersion) == [1000])
        #expect(headers.map(\.isNewerThanReader) == [true])
        #expect(entries.damages.isEmpty)
        #expect(entries.spans.map(\.name) == ["future root", "future child"])
        #expect(LogFileHeader.newestKnownFormatVersion == 2)
    }

    /// What a later version may add and a version 2 reader skips (section 2.3): a block header flag bit it does not
    /// know with a field after the string table, fields after the known ones of a file header and a drop notice,
    /// and a record type it does not know.
    @Test func fieldsAndRecordsOfALaterVersionAreSkippedWithoutDamage() throws {
        func record(_ type: UInt8, _ body: [UInt8]) -> [UInt8] { [type, UInt8(body.count)] + body }
        let strings: [UInt8] = [3, 3] + Array("svc".utf8) + [4] + Array("host".utf8) + [5] + Array("0.1.0".utf8)
        let payload =
            record(0x01, [0x08] + strings + [0x05, 0x66])
            + record(0x02, Array("TKLG".utf8) + [2, 1, 0, 0, 1, 14, 2, 2, 0] + [0x01, 0x02])
            + record(0x04, [0, 3, 4, 0x09]) + record(0x30, [1, 2])
        var entries: [LogEntry] = []
        var failure: PayloadError?
        payload.withUnsafeBytes { raw in
            do throws(PayloadError) { try BlockDecoder.decode(raw, into: &entries) } catch { failure = error }
        }
        #expect(failure == nil)
        let resource = Resource(
            serviceName: "svc", hostName: "host", processID: 7, processStartUnixNanoseconds: 2,
            libraryVersion: "0.1.0", attributes: [:])
        #expect(
            entries == [
                .header(
                    LogFileHeader(formatVersion: 2, resource: resource, openedUnixNanoseconds: 1, fileSequence: 0)),
                .droppedSpans(DroppedSpans(reason: .bufferFull, count: 3, recordedUnixNanoseconds: 4)),
            ])
    }

    /// A malformed span columns record: the spans decoded before the fault and the records before it are kept by
    /// both readers, the rest of the block is not read (a drop notice after the record is lost).
    @Test func aMalformedRecordKeepsWhatCameBeforeItAndEndsTheBlock() throws {
        let path = try #require(CorpusTests.directory) + "/v2-damage.tklog"
        let records = try CorpusTests.readRecords(path, readAhead: false)
        let batches = try CorpusTests.readBatches(path, readAhead: false)
        for read in [records, batches] {
            let names = read.spans.map(\.name)
            #expect(names.contains("kept 1") && names.contains("kept 2"))
            #expect(!names.contains("not kept"))
            #expect(names.contains("run kept") && !names.contains("run bad"))
            #expect(names.contains("before second header") && !names.contains("after second header"))
            // The notice before the bad record (5 spans) is kept; the one after it (6 spans) is not.
            #expect(read.summary.dropped.map(\.count) == [5])
            let malformed = read.summary.damages.filter { $0.kind == .malformedPayload }
            #expect(malformed.count == 4)
        }
        #expect(records.spans == batches.spans)
    }

    /// Each maximal invalid subsequence becomes one U+FFFD (Unicode's "substitution of maximal subparts", which
    /// WHATWG's decoder and Python's `bytes.decode("utf-8", "replace")` also follow).
    @Test(
        arguments: [
            ([0xE2, 0x82], "\u{FFFD}"),
            ([0xE2, 0x82, 0x41], "\u{FFFD}A"),
            ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
            ([0xF4, 0x90, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
            ([0xC0, 0xAF], "\u{FFFD}\u{FFFD}"),
            ([0xF0, 0x80, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),
            ([0xF1, 0x80, 0x80], "\u{FFFD}"),
            (
                [0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64],
                "a\u{FFFD}\u{FFFD}\u{FFFD}b\u{FFFD}c\u{FFFD}\u{FFFD}d"
            ),
        ] as [([UInt8], String)])
    func invalidUTF8IsReplacedOneReplacementCharacterPerMaximalSubpart(bytes: [UInt8], expected: String) throws {
        let decoded = try bytes.withUnsafeBytes { raw throws(PayloadError) in
            var reader = PayloadReader(raw)
            return try reader.readString(length: bytes.count)
        }
        #expect(Array(decoded.unicodeScalars) == Array(expected.unicodeScalars))
    }

    /// A key twice in one span (in a shape, or at two string-table indexes with the same text): one attribute, at
    /// the first key's position, with the last value.
    @Test func aRepeatedAttributeKeyKeepsItsFirstPositionAndItsLastValue() throws {
        let path = try #require(CorpusTests.directory) + "/v2-span-columns.tklog"
        for read in [
            try CorpusTests.readRecords(path, readAhead: false), try CorpusTests.readBatches(path, readAhead: false),
        ] {
            let dup = try #require(read.spans.first { $0.name == "dup" })
            #expect(dup.attributes.map(\.key) == ["k", "other"])
            #expect(dup.attributes["k"] == .int(2))
            let twoIndexes = try #require(read.spans.first { $0.name == "a" })
            #expect(twoIndexes.attributes.map(\.key) == ["k"])
            #expect(twoIndexes.attributes["k"] == .string("two"))
        }
    }
}
