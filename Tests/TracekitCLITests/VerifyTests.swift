// VerifyTests: `tracekit verify` exits 0 on an intact log, 1 with offsets on damage, 2 on unreadable input.

import Foundation
import Testing

@Suite struct VerifyTests {
    @Test func anIntactLogExitsZero() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("intact.tklog")
        try LogFixture().write(to: log)
        let result = try CLIProcess.tracekit(["verify", log])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("\(log): intact: 180 spans, 1 writer session"))
        #expect(result.text.contains("closed cleanly"))
    }

    @Test func aTruncatedLogExitsOneAndListsTheOffset() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("truncated.tklog")
        try LogFixture().write(to: log)
        let offsets = try LogFixture.blockOffsets(log)
        #expect(offsets.count >= 5, "the fixture should span several blocks")
        // Cut the file in the middle of its second-to-last block (the last one is the end-of-file marker).
        let cutBlock = offsets[offsets.count - 2]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.truncate(atOffset: UInt64(cutBlock + 20))
        try handle.close()

        let result = try CLIProcess.tracekit(["verify", log])
        #expect(result.status == 1, "\(result.text)\(result.stderr)")
        #expect(result.text.contains("\(log): DAMAGED"))
        #expect(result.text.contains("offset \(cutBlock)  length 20  truncated block"))
        let recoverable = try #require(Self.recoverableSpans(result.text))
        #expect(recoverable > 0 && recoverable < 180)
    }

    @Test func aCorruptedBlockExitsOneAndTheRestIsRecovered() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("corrupt.tklog")
        try LogFixture().write(to: log)
        let offsets = try LogFixture.blockOffsets(log)
        let damaged = offsets[2]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: log))
        for index in (damaged + 30)..<(damaged + 40) { bytes[index] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: log))

        let result = try CLIProcess.tracekit(["verify", log])
        #expect(result.status == 1, "\(result.text)\(result.stderr)")
        #expect(result.text.contains("  offset \(damaged)  length \(offsets[3] - damaged)  "))
        let recoverable = try #require(Self.recoverableSpans(result.text))
        #expect(recoverable > 0 && recoverable < 180)
        // The other commands carry on with what is left and warn on stderr.
        let replay = try CLIProcess.tracekit(["replay", log])
        #expect(replay.status == 0)
        #expect(replay.text.split(separator: "\n").count == recoverable)
        #expect(replay.stderr.contains("\(log): skipped 1 damaged region(s): offset \(damaged)"))
    }

    @Test func garbageAndMissingFilesExitTwoNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let garbage = directory.file("garbage.tklog")
        try Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: URL(fileURLWithPath: garbage))
        let result = try CLIProcess.tracekit(["verify", garbage])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(garbage): not a TraceKit log"))

        let missing = directory.file("missing.tklog")
        let absent = try CLIProcess.tracekit(["verify", missing])
        #expect(absent.status == 2)
        #expect(absent.stderr.contains("\(missing): cannot read: No such file or directory"))

        let empty = directory.file("empty.tklog")
        try Data().write(to: URL(fileURLWithPath: empty))
        let emptyResult = try CLIProcess.tracekit(["stats", empty])
        #expect(emptyResult.status == 2)
        #expect(emptyResult.stderr.contains("\(empty): not a TraceKit log: the file is empty"))
    }

    /// N from "...; N spans still recoverable".
    static func recoverableSpans(_ text: String) -> Int? {
        guard let range = text.range(of: " spans still recoverable") else { return nil }
        let prefix = text[..<range.lowerBound]
        return Int(prefix.split(separator: " ").last ?? "")
    }
}
