// DamageTests: torn, flipped and garbage-ridden logs give back every intact block's spans and report the rest.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite struct DamageTests {
    /// A small log: `blockCount` blocks of `perBlock` spans each, then the EOF marker.
    struct SmallLog {
        let spans: [SpanRecord]
        let bytes: [UInt8]
        let blockStarts: [Int]
        let perBlock: Int

        /// The end offsets of the span blocks (the EOF marker excluded).
        var blockEnds: [Int] { Array(blockStarts.dropFirst()) }
    }

    static func makeSmallLog(directory: TemporaryDirectory, seed: UInt64, blockCount: Int, perBlock: Int) throws
        -> SmallLog
    {
        var generator = SpanGenerator(seed: seed)
        let spans = (0..<(blockCount * perBlock)).map { _ in generator.span() }
        let path = directory.file("small-\(seed).tklog")
        _ = try TestFiles.writeLog(spans, to: path, perBlock: perBlock)
        let bytes = TestFiles.bytes(path)
        let starts = TestFiles.blockOffsets(bytes)
        return SmallLog(spans: spans, bytes: bytes, blockStarts: starts, perBlock: perBlock)
    }

    @Test func truncatingAtEveryByteOffsetReturnsExactlyTheCompleteBlocksAndReportsTheRest() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.makeSmallLog(directory: directory, seed: 21, blockCount: 4, perBlock: 3)
        // 4 span blocks plus the 28-byte EOF marker.
        #expect(log.blockStarts.count == 5)
        #expect(Array(log.bytes.suffix(28)) == LogFormat.endOfFileMarker)
        let path = directory.file("cut.tklog")
        for length in 0...log.bytes.count {
            TestFiles.write(Array(log.bytes[0..<length]), to: path)
            let entries = Array(try LogReader(path: path))
            let completeBlocks = log.blockEnds.filter { $0 <= length }.count
            #expect(entries.spans == Array(log.spans[0..<(completeBlocks * log.perBlock)]), "cut at \(length)")
            let lastBoundary = (log.blockStarts + [log.bytes.count]).filter { $0 <= length }.max() ?? 0
            if lastBoundary == length {
                #expect(entries.damages.isEmpty, "cut at block boundary \(length)")
            } else {
                #expect(
                    entries.damages.map { [$0.offset, $0.length] } == [
                        [Int64(lastBoundary), Int64(length - lastBoundary)]
                    ],
                    "cut at \(length)")
                #expect(entries.damages.first?.reason.contains("truncated") == true)
            }
        }
    }

    @Test(arguments: [31 as UInt64, 32, 33, 34, 35, 36, 37, 38])
    func flippingRandomBytesInOneBlockLosesOnlyThatBlock(seed: UInt64) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.makeSmallLog(directory: directory, seed: seed, blockCount: 8, perBlock: 20)
        var random = SeededGenerator(seed: seed)
        let path = directory.file("flipped.tklog")
        for _ in 0..<25 {
            let block = Int.random(in: 0..<8, using: &random)
            let start = log.blockStarts[block]
            let end = log.blockStarts[block + 1]
            var bytes = log.bytes
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes[Int.random(in: start..<end, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            }
            TestFiles.write(bytes, to: path)
            let entries = Array(try LogReader(path: path))
            let blockSpans = Array(log.spans[(block * 20)..<((block + 1) * 20)])
            var others = log.spans
            others.removeSubrange((block * 20)..<((block + 1) * 20))
            if entries.damages.isEmpty {
                // Flips in MTIME, XFL or OS leave a valid block.
                #expect(entries.spans == log.spans)
            } else {
                #expect(entries.spans == others, "block \(block)")
                #expect(entries.damages.map(\.offset) == [Int64(start)], "block \(block)")
                #expect(entries.damages.first.map { $0.offset + $0.length } == Int64(end))
                #expect(!blockSpans.isEmpty)
            }
        }
    }

    @Test func garbageBetweenBlocksIsReportedAndSkipped() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.makeSmallLog(directory: directory, seed: 41, blockCount: 4, perBlock: 10)
        var random = SeededGenerator(seed: 41)
        // Garbage that even contains a fake gzip magic.
        var garbage = (0..<500).map { _ in UInt8.random(in: 0...255, using: &random) }
        garbage.replaceSubrange(100..<104, with: [0x1F, 0x8B, 0x08, 0x04])
        var bytes = log.bytes
        bytes.insert(contentsOf: garbage, at: log.blockStarts[2])
        let path = directory.file("garbage.tklog")
        TestFiles.write(bytes, to: path)
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans == log.spans)
        #expect(entries.damages.map { [$0.offset, $0.length] } == [[Int64(log.blockStarts[2]), 500]])
        #expect(entries.damages.first?.reason.contains("bad gzip header") == true)
    }

    @Test func aRandomFileIsReportedAsDamageWithoutSpans() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var random = SeededGenerator(seed: 51)
        let path = directory.file("random.tklog")
        TestFiles.write((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }, to: path)
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans.isEmpty)
        #expect(entries.damages.reduce(0) { $0 + $1.length } == 200_000)
    }

    /// A damaged copy of `payload`: every tenth round cut short, otherwise 1...`maxChanges` bytes overwritten.
    static func mutate(
        _ payload: [UInt8], round: Int, maxChanges: Int, using random: inout SeededGenerator
    ) -> [UInt8] {
        var mutated = payload
        if round % 10 == 0 { return Array(mutated[0..<Int.random(in: 0..<mutated.count, using: &random)]) }
        for _ in 0..<Int.random(in: 1...maxChanges, using: &random) {
            mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        }
        return mutated
    }

    @Test(arguments: [61 as UInt64, 62, 63])
    func hostilePayloadsWithValidChecksumsNeverTrapAndAreReported(seed: UInt64) throws {
        var generator = SpanGenerator(seed: seed)
        var encoder = BlockEncoder(identifiers: nil)
        for _ in 0..<40 { _ = encoder.append(generator.span()) }
        let payload = encoder.seal()
        var random = SeededGenerator(seed: seed)
        var malformed = 0
        for round in 0..<3000 {
            let mutated = Self.mutate(payload, round: round, maxChanges: 4, using: &random)
            var entries: [LogEntry] = []
            let failure: PayloadError? = mutated.withUnsafeBytes { raw in
                do throws(PayloadError) {
                    try BlockDecoder.decode(raw, into: &entries)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure {
                malformed += 1
                #expect(failure.position <= mutated.count)
            }
            #expect(entries.count <= 40)
        }
        #expect(malformed > 100)
    }

    @Test(arguments: [64 as UInt64, 65])
    func batchesAndRecordsAgreeOnHostilePayloads(seed: UInt64) throws {
        // The batch decoder must keep exactly the spans the record decoder keeps before the first malformed
        // field, and report the same failure (position and reason).
        var generator = SpanGenerator(seed: seed, scheme: LogBatchReaderTests.scheme)
        var encoder = BlockEncoder(identifiers: IdentifierKeys(LogBatchReaderTests.scheme))
        for _ in 0..<60 { _ = encoder.append(generator.span()) }
        let payload = encoder.seal()
        var random = SeededGenerator(seed: seed)
        var malformed = 0
        for round in 0..<1200 {
            let mutated = Self.mutate(payload, round: round, maxChanges: 3, using: &random)
            var records: [LogEntry] = []
            var batches: [LogBatchEntry] = []
            let (recordFailure, batchFailure) = mutated.withUnsafeBytes { raw -> (PayloadError?, PayloadError?) in
                var first: PayloadError?
                var second: PayloadError?
                do throws(PayloadError) { try BlockDecoder.decode(raw, into: &records) } catch { first = error }
                do throws(PayloadError) { try BlockDecoder.decodeBatches(raw, into: &batches) } catch { second = error }
                return (first, second)
            }
            if recordFailure != nil { malformed += 1 }
            #expect(recordFailure?.position == batchFailure?.position, "round \(round)")
            #expect(recordFailure?.reason == batchFailure?.reason, "round \(round)")
            var batchSpans: [SpanRecord] = []
            for case .spans(let batch) in batches { batchSpans += batch.records }
            // Compared as text: mutated bytes make NaN doubles, which are never equal to themselves.
            #expect(batchSpans.map { "\($0)" } == records.spans.map { "\($0)" }, "round \(round)")
        }
        #expect(malformed > 40)
    }

    @Test func aMalformedPayloadInsideAGoodBlockIsReportedWithTheBlockOffset() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let compressor = try BlockCompressor(level: 6)
        var generator = SpanGenerator(seed: 71)
        var encoder = BlockEncoder(identifiers: nil)
        let span = generator.span()
        _ = encoder.append(span)
        let good = try compressor.makeBlock(encoder.seal())
        let bad = try compressor.makeBlock([0x01, 0x05, 0x00, 0x09])  // block header claims 9 strings in 3 bytes
        let path = directory.file("malformed.tklog")
        TestFiles.write(good + bad + good, to: path)
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans == [span, span])
        #expect(entries.damages.map(\.offset) == [Int64(good.count)])
        #expect(entries.damages.first?.reason.contains("malformed payload") == true)
    }

    @Test func aBlockSizePointingPastTheEndDoesNotHideTheBlocksAfterIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try Self.makeSmallLog(directory: directory, seed: 101, blockCount: 4, perBlock: 10)
        var bytes = log.bytes
        // Block 2's BSIZE claims 65535: the block seems to run past the end of the file.
        bytes[log.blockStarts[2] + 16] = 0xFF
        bytes[log.blockStarts[2] + 17] = 0xFF
        let path = directory.file("bsize.tklog")
        TestFiles.write(bytes, to: path)
        for readAhead in [true, false] {
            let entries = Array(try LogReader(path: path, readAhead: readAhead))
            #expect(entries.spans == Array(log.spans[0..<20]) + Array(log.spans[30..<40]))
            #expect(
                entries.damages.map { [$0.offset, $0.length] }
                    == [[Int64(log.blockStarts[2]), Int64(log.blockStarts[3] - log.blockStarts[2])]])
        }
    }
}
