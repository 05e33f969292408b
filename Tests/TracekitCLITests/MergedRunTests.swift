// MergedRunTests: a foreign or unreadable file among several logs is skipped with a warning and exit status 1; a
// log torn inside its only block is a damaged log, not "not a TraceKit log".

import Foundation
import Testing

@Suite struct MergedRunTests {
    /// A directory with two logs (5 and 7 traces) and a text file that is no log, named so it is read in between.
    static func mixedDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try LogFixture(traceCount: 5).write(to: directory.file("a.tklog"))
        try Data("just some notes\n".utf8).write(to: URL(fileURLWithPath: directory.file("b.tklog")))
        try LogFixture(traceCount: 7).write(to: directory.file("c.tklog"))
        return directory
    }

    @Test func everyReadingCommandSkipsTheForeignFileWarnsAndExitsOne() throws {
        let directory = try Self.mixedDirectory()
        let foreign = directory.file("b.tklog")
        let report = directory.file("report.html")
        let commands: [[String]] = [
            ["stats", "--json"], ["metrics"], ["top"], ["replay"], ["tree", "--slowest", "2"], ["tree", "--all"],
            ["report", "-o", report], ["export", "--format", "chrome"],
        ]
        for command in commands {
            let result = try CLIProcess.tracekit(command + [directory.path])
            #expect(result.status == 1, "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains("tracekit: warning: skipped \(foreign): not a TraceKit log: no readable block"),
                "\(command): \(result.stderr)")
            #expect(result.stderr.contains("(exit status 1)"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("error:"), "\(command): \(result.stderr)")
        }
        // The output covers the two logs: 12 traces of 3 spans.
        let stats = try CLIProcess.tracekit(["stats", "--json", directory.path])
        let rows = try #require(try JSONSerialization.jsonObject(with: stats.stdout) as? [[String: Any]])
        #expect(rows.first { $0["name"] as? String == "request" }?["count"] as? Int == 12)
        let replay = try CLIProcess.tracekit(["replay", directory.path])
        #expect(replay.text.split(separator: "\n").count == 36)
        // The two fixtures share trace ids 1...5, so their spans make 7 traces.
        let tree = try CLIProcess.tracekit(["tree", "--slowest", "1", directory.path])
        #expect(tree.text.contains("(1 slowest of 7 traces"))
    }

    @Test func aMissingLogAmongSeveralIsSkippedAndNothingReadableIsAnError() throws {
        let directory = try TemporaryDirectory()
        let good = directory.file("good.tklog")
        let missing = directory.file("missing.tklog")
        let empty = directory.file("empty.tklog")
        try LogFixture(traceCount: 4).write(to: good)
        try Data().write(to: URL(fileURLWithPath: empty))
        let some = try CLIProcess.tracekit(["stats", good, missing, empty])
        #expect(some.status == 1, "\(some.stderr)")
        #expect(some.stderr.contains("skipped \(missing): cannot read: No such file or directory (errno 2)"))
        #expect(some.stderr.contains("skipped \(empty): not a TraceKit log: the file is empty"))
        #expect(some.text.split(separator: "\n").contains { $0.hasPrefix("request ") })

        let none = try CLIProcess.tracekit(["stats", missing, empty])
        #expect(none.status == 2)
        #expect(none.stderr.contains("tracekit: error: \(missing): cannot read: No such file or directory"))
        #expect(none.stderr.contains("tracekit: error: \(empty): not a TraceKit log: the file is empty"))
        #expect(none.text.isEmpty)

        // verify checks every file and says 2 when one cannot be read, as before.
        let verify = try CLIProcess.tracekit(["verify", good, missing])
        #expect(verify.status == 2)
        #expect(verify.text.contains("\(good): intact"))
    }

    @Test func aLogTornInsideItsOnlyBlockIsDamagedNotForeign() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("torn.tklog")
        // One block of spans, then the end-of-file marker; cut inside the block, as a crash mid-write would.
        try LogFixture(traceCount: 3, tracesPerBlock: 100).write(to: log)
        let offsets = try LogFixture.blockOffsets(log)
        #expect(offsets.count == 2, "one block and the end-of-file marker: \(offsets)")
        for cut in [20, offsets[1] / 2, offsets[1] - 1] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: log))
            let torn = directory.file("torn-\(cut).tklog")
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: torn))
            let verify = try CLIProcess.tracekit(["verify", torn])
            #expect(verify.status == 1, "cut at \(cut): \(verify.stderr)")
            #expect(verify.text.contains("\(torn): DAMAGED: 1 damaged region(s), \(cut) of \(cut) bytes lost; 0 spans"))
            #expect(verify.text.contains("offset 0  length \(cut)  truncated block"))
            let stats = try CLIProcess.tracekit(["stats", torn])
            #expect(stats.status == 0, "cut at \(cut): \(stats.stderr)")
            #expect(stats.stderr.contains("\(torn): skipped 1 damaged region(s): offset 0"))
            #expect(!stats.stderr.contains("not a TraceKit log"))
        }
        // Three bytes that do not start like a block are no log either.
        let tiny = directory.file("tiny.tklog")
        try Data("hi\n".utf8).write(to: URL(fileURLWithPath: tiny))
        let tinyResult = try CLIProcess.tracekit(["stats", tiny])
        #expect(tinyResult.status == 2)
        #expect(
            tinyResult.stderr.contains("\(tiny): not a TraceKit log: no readable block (at offset 0: bad gzip header"))
        // A gzip member that is not BGZF, and a BGZF block holding no TraceKit records, are not logs.
        guard let gzip = CLIProcess.which("gzip") else {
            _ = CLIProcess.require(false, "gzip")
            return
        }
        let text = directory.file("notes.txt")
        try Data("notes\n".utf8).write(to: URL(fileURLWithPath: text))
        _ = try CLIProcess.run(gzip, ["-k", text])
        let gzipped = try CLIProcess.tracekit(["verify", text + ".gz"])
        #expect(gzipped.status == 2)
        #expect(gzipped.stderr.contains("not a TraceKit log"))
        if let bgzip = CLIProcess.which("bgzip") {
            _ = try CLIProcess.run(bgzip, ["-k", "-f", text])
            let blocked = try CLIProcess.tracekit(["verify", text + ".gz"])
            #expect(blocked.status == 2)
            #expect(blocked.stderr.contains("not a TraceKit log: no readable block (at offset 0: malformed payload"))
        }
    }
}
