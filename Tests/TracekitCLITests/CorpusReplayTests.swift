// CorpusReplayTests: `tracekit replay --json` prints exactly the expected output of every golden corpus log, and
// says so when a log is in a newer format version than it reads.

import Foundation
import Testing

@Suite struct CorpusReplayTests {
    /// The golden corpus of the trace log tests (Tests/TraceLogTests/Corpus).
    static let corpus =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TraceLogTests/Corpus").path

    static var logs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter { $0.hasSuffix(".tklog") }
            .sorted()
    }

    @Test func replayJSONPrintsTheExpectedLinesOfEveryCorpusLogByteForByte() throws {
        #expect(Self.logs.count >= 9)
        for log in Self.logs {
            let expected = try Data(
                contentsOf: URL(fileURLWithPath: Self.corpus + "/" + log.dropLast(".tklog".count) + ".replay.jsonl"))
            let result = try CLIProcess.tracekit(["replay", "--json", Self.corpus + "/" + log])
            #expect(result.stdout == expected, "\(log)")
            // A log torn inside its only block is a damaged log (exit 0 with a warning), not "no log" (exit 2).
            #expect(result.status == 0, "\(log): \(result.stderr)")
        }
    }

    @Test func aLogOfANewerFormatVersionIsReadWithAWarning() throws {
        let log = Self.corpus + "/v1000-future-version.tklog"
        let note =
            "written in trace log format version 1000, newer than the version 2 this tracekit reads: what it does not "
            + "know (records, columns, fields) was skipped; a newer tracekit reads all of it"
        let replay = try CLIProcess.tracekit(["replay", log])
        #expect(replay.status == 0)
        #expect(replay.text.split(separator: "\n").count == 2)
        #expect(replay.stderr == "tracekit: warning: \(log): \(note)\n")
        let verify = try CLIProcess.tracekit(["verify", log])
        #expect(verify.status == 0, "the blocks are intact: \(verify.text)")
        #expect(verify.text.contains("\(log): intact: 2 spans"))
        #expect(verify.text.contains("  \(note)\n"))
        let current = try CLIProcess.tracekit(["replay", Self.corpus + "/v2-span-columns.tklog"])
        #expect(!current.stderr.contains("format version"))
    }
}
