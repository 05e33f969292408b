// FirstBlockSearchTests: a reader gives up on input without a first valid block in 16 MiB, but not after one;
// each damaged region says what kind of damage it is.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite struct FirstBlockSearchTests {
    static let bound = Int(LogReader.firstBlockSearchBytes)

    /// A log of `count` spans in blocks of 10.
    static func log(in directory: TemporaryDirectory, seed: UInt64, count: Int) throws -> (
        bytes: [UInt8], spans: [SpanRecord]
    ) {
        var generator = SpanGenerator(seed: seed)
        let spans = (0..<count).map { _ in generator.span() }
        let path = directory.file("log-\(seed).tklog")
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 10)
        return (TestFiles.bytes(path), spans)
    }

    @Test func devZeroEndsAfterTheBoundWithOneDamagedRegion() throws {
        // Without the bound, this read would never end.
        let entries = Array(try LogReader(path: "/dev/zero"))
        #expect(entries.count == 1)
        let damage = try #require(entries.damages.first)
        #expect(damage.offset == 0 && damage.length == Int64(Self.bound))
        #expect(damage.kind == .notABlock)
        #expect(damage.reason.contains("no valid BGZF block in the first 16 MiB"))
    }

    @Test func aLogAfterMoreThanTheBoundOfGarbageIsNotRead() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.log(in: directory, seed: 91, count: 30)
        let path = directory.file("late.tklog")
        TestFiles.write([UInt8](repeating: 0x20, count: Self.bound + 1) + log.bytes, to: path)
        for readAhead in [true, false] {
            let entries = Array(try LogReader(path: path, readAhead: readAhead))
            #expect(entries.spans.isEmpty)
            #expect(entries.damages.map { [$0.offset, $0.length] } == [[0, Int64(Self.bound)]])
        }
    }

    @Test func aLogAfterLessThanTheBoundOfGarbageIsRead() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.log(in: directory, seed: 92, count: 30)
        let path = directory.file("early.tklog")
        let garbage = Self.bound - 1
        TestFiles.write([UInt8](repeating: 0x20, count: garbage) + log.bytes, to: path)
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans == log.spans)
        #expect(entries.damages.map { [$0.offset, $0.length] } == [[0, Int64(garbage)]])
    }

    @Test func damageLargerThanTheBoundAfterAGoodBlockIsSkipped() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let first = try Self.log(in: directory, seed: 93, count: 20)
        let second = try Self.log(in: directory, seed: 94, count: 20)
        let path = directory.file("hole.tklog")
        let hole = 2 * Self.bound
        TestFiles.write(first.bytes + [UInt8](repeating: 0, count: hole) + second.bytes, to: path)
        let entries = Array(try LogBatchReader(path: path)).compactMap { entry -> [SpanRecord]? in
            if case .spans(let batch) = entry { return batch.records } else { return nil }
        }
        #expect(entries.flatMap { $0 } == first.spans + second.spans)
        let damages = Array(try LogReader(path: path)).damages
        #expect(damages.map { [$0.offset, $0.length] } == [[Int64(first.bytes.count), Int64(hole)]])
    }

    @Test func eachDamagedRegionSaysWhatKindItIs() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.log(in: directory, seed: 95, count: 30)
        let starts = TestFiles.blockOffsets(log.bytes)
        let path = directory.file("kinds.tklog")

        TestFiles.write(Array(log.bytes[0..<(starts[1] - 5)]), to: path)
        #expect(Array(try LogReader(path: path)).damages.map(\.kind) == [.truncatedBlock])

        var flipped = log.bytes
        flipped[starts[1] - 6] ^= 0xFF  // in the first block's CRC
        TestFiles.write(flipped, to: path)
        #expect(Array(try LogReader(path: path)).damages.map(\.kind) == [.corruptBlock])

        TestFiles.write([UInt8](repeating: 7, count: 100) + log.bytes, to: path)
        #expect(Array(try LogReader(path: path)).damages.map(\.kind) == [.notABlock])

        // Fewer bytes than the gzip magic: a torn block only if they start like one.
        TestFiles.write(Array("hi\n".utf8), to: path)
        #expect(Array(try LogReader(path: path)).damages.map(\.kind) == [.notABlock])
        TestFiles.write([0x1F, 0x8B, 0x08], to: path)
        #expect(Array(try LogReader(path: path)).damages.map(\.kind) == [.truncatedBlock])

        let compressor = try BlockCompressor(level: 6)
        TestFiles.write(try compressor.makeBlock(Array("plain text, no records".utf8)), to: path)
        #expect(Array(try LogReader(path: path)).damages.map(\.kind) == [.malformedPayload])
    }

    @Test func listingADirectoryThatCannotBeListedSaysWhy() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("plain.tklog")
        TestFiles.write([1], to: file)
        #expect(throws: TraceLogError.cannotOpen(path: file, errno: ENOTDIR)) {
            try LogRotation.listLogFiles(inDirectory: file)
        }
        #expect(try LogRotation.listLogFiles(inDirectory: directory.path) == [file])
        #expect(LogRotation.logFiles(inDirectory: file).isEmpty)
    }

    @Test func aMergedReaderSaysWhichFileEachEntryCameFrom() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let first = try Self.log(in: directory, seed: 96, count: 15)
        let second = try Self.log(in: directory, seed: 97, count: 25)
        let merged = MergedLogReader(readers: [
            try LogReader(path: directory.file("log-96.tklog")), try LogReader(path: directory.file("log-97.tklog")),
        ])
        var spansPerFile = [0, 0]
        var headersPerFile = [0, 0]
        while let (entry, file) = merged.nextEntry() {
            switch entry {
            case .span(let span):
                spansPerFile[file] += 1
                #expect((file == 0 ? first.spans : second.spans).contains(span))
            case .header: headersPerFile[file] += 1
            default: break
            }
        }
        #expect(spansPerFile == [15, 25])
        #expect(headersPerFile == [1, 1])
    }
}
