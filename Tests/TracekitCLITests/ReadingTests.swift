// ReadingTests: `replay`, `tree`, `top` and `stats` print what the log holds, with exact counts.

import Foundation
import Testing

@Suite struct ReadingTests {
    @Test func replayPrintsOneLinePerSpanAndJSONLinesParse() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("replay.tklog")
        let fixture = LogFixture()
        try fixture.write(to: log)
        let text = try CLIProcess.tracekit(["replay", log])
        #expect(text.status == 0)
        #expect(text.stderr.isEmpty, "piped stderr must stay clean (no progress bar): \(text.stderr)")
        #expect(text.text.split(separator: "\n").count == fixture.spans.count)

        let json = try CLIProcess.tracekit(["replay", "--json", log])
        #expect(json.status == 0)
        let lines = json.text.split(separator: "\n")
        #expect(lines.count == fixture.spans.count)
        var names: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            names.append(try #require(object["name"] as? String))
        }
        #expect(names == fixture.spans.map(\.name))
    }

    @Test func replayOfTwoFilesMergesThemInStartOrder() throws {
        let directory = try TemporaryDirectory()
        try LogFixture(traceCount: 5).write(to: directory.file("a.tklog"))
        try LogFixture(traceCount: 7).write(to: directory.file("b.tklog"))
        let result = try CLIProcess.tracekit(["replay", "--json", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        let starts = try result.text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require((object["start_unix_nano"] as? NSNumber)?.uint64Value)
        }
        #expect(starts.count == 36)
        #expect(starts == starts.sorted())
    }

    @Test func treePrintsIndentedTreesWithDurationsAndSelfTime() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("tree.tklog")
        try LogFixture(queryMilliseconds: 10).write(to: log)
        let result = try CLIProcess.tracekit(["tree", log, "--slowest", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("trace ") }.count == 2)
        #expect(result.text.contains("(2 slowest of 60 traces"))
        // The root, then its two children indented under it, with the self time of the root (2ms gap).
        let rootLine = try #require(lines.first { $0.contains(" request ") })
        #expect(rootLine.hasPrefix("* request"))
        #expect(rootLine.contains("self  2.000ms"))
        #expect(lines.contains { $0.contains("*   db.query") })

        let one = try CLIProcess.tracekit(["tree", log, "--trace", "000000000000abcd0000000000000001"])
        #expect(one.status == 0)
        #expect(one.text.hasPrefix("trace 000000000000abcd0000000000000001"))
        #expect(one.text.contains(LogFixture.hostileName))
        #expect(one.text.split(separator: "\n").count == 4)

        let unknown = try CLIProcess.tracekit(["tree", log, "--trace", "000000000000abcd00000000000000ff"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("\(log): no trace with id 000000000000abcd00000000000000ff"))
    }

    @Test func theSlowestTreesReadInTwoPassesAreThoseOfTheWholeForest() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("interleaved.tklog")
        try LogFixture.writeInterleaved(to: log, traceCount: 300, seed: 5)
        // `--all` builds the forest of every span; `--slowest` ranks traces by a first pass and reads the spans
        // of the chosen ones in a second.
        let all = try CLIProcess.tracekit(["tree", log, "--all"])
        #expect(all.status == 0, "\(all.stderr)")
        let every = all.text.components(separatedBy: "\n\n")
        #expect(every.count == 300)
        for n in [1, 12, 299] {
            let some = try CLIProcess.tracekit(["tree", log, "--slowest", String(n)])
            #expect(some.status == 0, "\(some.stderr)")
            var chosen = some.text.components(separatedBy: "\n\n")
            #expect(chosen.removeLast() == "(\(n) slowest of 300 traces; --slowest N or --all for more)\n")
            #expect(chosen == Array(every.prefix(n)))
        }
        let same = try CLIProcess.tracekit(["tree", log, "--slowest", "300"])
        #expect(same.text == all.text)
    }

    @Test func topPrintsTheSlowestSpansSlowestFirst() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("top.tklog")
        let fixture = LogFixture(queryMilliseconds: 10)
        try fixture.write(to: log)
        let byDuration = fixture.spans.sorted {
            $0.durationNanoseconds != $1.durationNanoseconds
                ? $0.durationNanoseconds > $1.durationNanoseconds : $0.startUnixNanoseconds < $1.startUnixNanoseconds
        }

        let top = try CLIProcess.tracekit(["top", log, "--count", "4"])
        #expect(top.status == 0, "\(top.stderr)")
        let lines = top.text.split(separator: "\n")
        #expect(lines.count == 4)
        for (line, span) in zip(lines, byDuration) {
            #expect(line.contains("trace \(span.traceID)  span \(span.spanID)"), "\(line)")
            #expect(line.contains(" request"))
        }

        let queries = try CLIProcess.tracekit(["top", log, "-c", "3", "--name", "db.query", "--json"])
        #expect(queries.status == 0, "\(queries.stderr)")
        let expected = byDuration.filter { $0.name == "db.query" }.prefix(3)
        let objects = try queries.text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["span_id"] as? String } == expected.map { "\($0.spanID)" })
        #expect(objects.allSatisfy { $0["name"] as? String == "db.query" })

        let none = try CLIProcess.tracekit(["top", log, "--name", "no such name"])
        #expect(none.status == 0 && none.text.isEmpty)
        let bad = try CLIProcess.tracekit(["top", log, "--count", "0"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--count must be at least 1"))
    }

    @Test func statsCountsEveryNameWithErrorsAndQuantiles() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("stats.tklog")
        try LogFixture().write(to: log)
        let table = try CLIProcess.tracekit(["stats", log])
        #expect(table.status == 0)
        #expect(table.text.hasPrefix("name"))
        #expect(table.text.contains("p99") && table.text.contains("self mean"))
        let requestRow = try #require(table.text.split(separator: "\n").first { $0.hasPrefix("request ") })
        #expect(requestRow.split(separator: " ")[1] == "60")

        let json = try CLIProcess.tracekit(["stats", "--json", log])
        #expect(json.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0) })
        #expect((byName["request"]?["count"] as? Int) == 60)
        #expect((byName["db.query"]?["count"] as? Int) == 60)
        #expect((byName["render"]?["count"] as? Int) == 59)
        #expect((byName["render"]?["errors"] as? Int) == 6)
        // db.query takes 10 to 11 ms; its p50 is within the sketch's 1%.
        let p50 = try #require(byName["db.query"]?["p50_ns"] as? Double)
        #expect(p50 > 9_900_000 && p50 < 11_100_000)
        // request's self time is exactly the 2 ms not covered by its children.
        let selfMean = try #require(byName["request"]?["self_mean_ns"] as? Double)
        #expect(abs(selfMean - 2_000_000) < 20_000)
    }

    @Test func statsShowsTheTotalTimeItIsOrderedBy() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("totals.tklog")
        let fixture = LogFixture()
        try fixture.write(to: log)
        var totals: [String: UInt64] = [:]
        for span in fixture.spans { totals[span.name, default: 0] += span.durationNanoseconds }
        let byTotal = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }

        let json = try CLIProcess.tracekit(["stats", "--json", log])
        let rows = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == byTotal.map(\.key))
        #expect(rows.map { ($0["total_ns"] as? NSNumber)?.uint64Value } == byTotal.map(\.value))

        let table = try CLIProcess.tracekit(["stats", log])
        let lines = table.text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.first.map { Array($0.prefix(4)) } == ["name", "count", "errors", "total"])
        let requestRow = try #require(lines.first { $0.first == "request" })
        let requestTotal = try #require(totals["request"])
        #expect(String(requestRow[3]) == Self.milliseconds(requestTotal))
    }

    /// Nanoseconds as `stats` prints a duration of 1 ms to 1 s: milliseconds with three decimals.
    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let microseconds = (nanoseconds + 500) / 1_000
        let fraction = String(microseconds % 1_000)
        if microseconds >= 1_000_000 {
            let milliseconds = (nanoseconds + 500_000) / 1_000_000
            let part = String(milliseconds % 1_000)
            return "\(milliseconds / 1_000)." + String(repeating: "0", count: 3 - part.count) + part + "s"
        }
        return "\(microseconds / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction + "ms"
    }

    @Test func replayPrintsTheStartAsAnRFC3339TimeAndKeepsTheJSONFields() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("times.tklog")
        try LogFixture(traceCount: 2).write(to: log)
        let text = try CLIProcess.tracekit(["replay", log])
        #expect(text.status == 0, "\(text.stderr)")
        let lines = text.text.split(separator: "\n")
        // LogFixture.baseTime is 1_764_000_000 s; the first span (a db.query) starts 1 ms later.
        #expect(
            lines.first?.hasPrefix("2025-11-24T16:00:00.001000000Z  trace 000000000000abcd0000000000000001") == true)
        #expect(lines.last?.hasPrefix("2025-11-24T16:00:00.100000000Z  trace 000000000000abcd0000000000000002") == true)

        let json = try CLIProcess.tracekit(["replay", "--json", log])
        let first = try #require(
            try JSONSerialization.jsonObject(with: Data(json.text.split(separator: "\n")[0].utf8)) as? [String: Any])
        #expect((first["start_unix_nano"] as? NSNumber)?.uint64Value == LogFixture.baseTime + 1_000_000)
        #expect(
            first.keys.sorted() == [
                "attributes", "duration_nano", "events", "kind", "name", "parent_span_id", "span_id",
                "start_unix_nano", "status", "trace_id",
            ])
    }

    @Test func replayKeepsOnlyTheTraceAskedFor() throws {
        let directory = try TemporaryDirectory()
        try LogFixture(traceCount: 5).write(to: directory.file("a.tklog"))
        try LogFixture(traceCount: 3).write(to: directory.file("b.tklog"))
        let trace = "000000000000abcd0000000000000002"
        for paths in [[directory.file("a.tklog")], [directory.path]] {
            let text = try CLIProcess.tracekit(["replay", "--trace", trace] + paths)
            #expect(text.status == 0, "\(text.stderr)")
            let expected = paths.count == 1 && paths[0].hasSuffix("a.tklog") ? 3 : 6
            let lines = text.text.split(separator: "\n")
            #expect(lines.count == expected, "\(paths)")
            #expect(lines.allSatisfy { $0.contains("  trace \(trace)  ") })
            let json = try CLIProcess.tracekit(["replay", "--json", "--trace", trace] + paths)
            let ids = try json.text.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["trace_id"]
                    as? String
            }
            #expect(ids == Array(repeating: trace, count: expected))
        }
        let bad = try CLIProcess.tracekit(["replay", "--trace", "xyz", directory.path])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--trace must be 32 hex digits, got 'xyz'."))
    }

    @Test func treeShowsTheErrorMessageOfAnErrorSpan() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("errors.tklog")
        try LogFixture().write(to: log)
        // Trace 10 (index 9) has a render span with status error("template missing").
        let result = try CLIProcess.tracekit(["tree", log, "--trace", "000000000000abcd000000000000000a"])
        #expect(result.status == 0, "\(result.stderr)")
        let render = try #require(result.text.split(separator: "\n").first { $0.contains(" render ") })
        #expect(render.hasSuffix("  error: template missing"), "\(render)")
    }
}
