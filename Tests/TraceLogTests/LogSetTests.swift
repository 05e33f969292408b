// LogSetTests: a set of logs found from paths, replayed in file or start-time order, past damage, and followed.

import Foundation
import Testing
import TraceKit
import TraceSync

@testable import TraceLog

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct LogSetTests {
    static func span(_ index: Int, start: UInt64) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 5, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
            name: "s\(index)", startUnixNanoseconds: start, durationNanoseconds: 10)
    }

    /// Writes spans `indexes` (span i starts at `start(i)`) to `path`, `perBlock` to a block, and closes the log.
    static func writeLog(_ path: String, _ indexes: Range<Int>, perBlock: Int = 5, start: (Int) -> UInt64) throws {
        _ = try TestFiles.writeLog(indexes.map { span($0, start: start($0)) }, to: path, perBlock: perBlock)
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : -1
    }

    @Test func pathsBecomeFilesSortedByNameWithinADirectoryAndProblemsInPathOrder() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let logs = directory.file("logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try Self.writeLog(logs + "/b.tklog", 0..<3) { UInt64($0) }
        try Self.writeLog(logs + "/a.tklog", 3..<6) { UInt64($0) }
        TestFiles.write(Array("not a log".utf8), to: logs + "/notes.txt")
        let empty = directory.file("empty.tklog")
        TestFiles.write([], to: empty)
        let emptyDirectory = directory.file("nothing")
        try FileManager.default.createDirectory(atPath: emptyDirectory, withIntermediateDirectories: true)
        let missing = directory.file("missing.tklog")
        let single = directory.file("single.tklog")
        try Self.writeLog(single, 6..<7) { UInt64($0) }

        let set = LogSet(paths: [logs, missing, empty, emptyDirectory, single])

        #expect(set.files.map(\.path) == [logs + "/a.tklog", logs + "/b.tklog", single])
        #expect(set.files.map(\.sizeBytes) == set.files.map { Self.size($0.path) })
        #expect(set.files.allSatisfy { !$0.isStream && $0.openPath == $0.path })
        #expect(set.totalBytes == set.files.reduce(0) { $0 + ($1.sizeBytes ?? 0) })
        #expect(
            set.problems == [
                .cannotRead(path: missing, error: .cannotOpen(path: missing, errno: ENOENT)),
                .notATraceLog(path: empty, reason: "the file is empty"),
                .notATraceLog(path: emptyDirectory, reason: "the directory holds no .tklog files"),
            ])
        #expect(set.problems[0].description.hasPrefix("\(missing): cannot read: "))
    }

    @Test func aStreamIsAFileOfUnknownSize() {
        let set = LogSet(paths: ["/dev/null"])
        #expect(set.files.map(\.path) == ["/dev/null"])
        #expect(set.files.first?.isStream == true)
        #expect(set.totalBytes == nil)
        // Read, it holds nothing: the report skips it as an empty stream.
        let report = set.readSpans { _, _ in }
        #expect(report.files.isEmpty)
        #expect(report.skipped == [.notATraceLog(path: "/dev/null", reason: "the stream is empty")])
    }

    @Test func aFileNamedWithoutBeingLookedAtIsMeasuredByReadingIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = directory.file("log.tklog")
        try Self.writeLog(log, 0..<10) { UInt64($0) }
        let read = LogSet(files: [LogSet.File(path: log)]).readSpans { _, _ in }
        #expect(read.files.first?.sizeBytes == Self.size(log))
        #expect(read.files.first?.sawEndOfFileMarker == true)
        // Only an end-of-file marker: not empty, but no log either.
        let marker = directory.file("marker.tklog")
        TestFiles.write(LogFormat.endOfFileMarker, to: marker)
        let skipped = LogSet(files: [LogSet.File(path: marker)]).readSpans { _, _ in }
        #expect(skipped.skipped == [.notATraceLog(path: marker, reason: "no file header and no spans")])
    }

    @Test func fileOrderReadsFileAfterFileAndReportsEach() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // Both files span the same times, so file order and start-time order differ.
        try Self.writeLog(directory.file("a.tklog"), 0..<10) { UInt64(2 * $0) }
        try Self.writeLog(directory.file("b.tklog"), 10..<20) { UInt64(2 * ($0 - 10) + 1) }
        let set = LogSet(paths: [directory.path])

        var spans: [(name: String, file: Int)] = []
        var progress: [Int64] = []
        let report = set.readSpans(onProgress: { progress.append($0) }) { entry, file in
            if case .span(let span) = entry { spans.append((span.name, file)) }
        }

        #expect(spans.map(\.name) == (0..<20).map { "s\($0)" })
        #expect(spans.map(\.file) == Array(repeating: 0, count: 10) + Array(repeating: 1, count: 10))
        #expect(report.skipped.isEmpty)
        #expect(report.files.map(\.path) == set.files.map(\.path))
        #expect(report.files.map(\.spanCount) == [10, 10])
        #expect(report.files.map(\.headerCount) == [1, 1])
        #expect(report.files.allSatisfy { $0.sawEndOfFileMarker && $0.damages.isEmpty })
        #expect(report.files.map(\.endOffset) == set.files.map { Self.size($0.path) })
        #expect(report.files.first?.resource?.serviceName == "test-service")
        #expect(progress.allSatisfy { $0 <= set.totalBytes ?? 0 })

        var merged: [UInt64] = []
        let mergedReport = set.readSpans(order: .startTime) { entry, _ in
            if case .span(let span) = entry { merged.append(span.startUnixNanoseconds) }
        }
        #expect(merged == (0..<20).map(UInt64.init))
        #expect(mergedReport.files.map(\.spanCount) == [10, 10])
    }

    @Test func aFileThatIsNoLogIsSkippedAndTheOthersAreRead() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try Self.writeLog(directory.file("a.tklog"), 0..<4) { UInt64($0) }
        TestFiles.write(
            Array(String(repeating: "plain text, no block\n", count: 50).utf8), to: directory.file("b.tklog"))
        try Self.writeLog(directory.file("c.tklog"), 4..<8) { UInt64($0) }
        let set = LogSet(paths: [directory.path])
        #expect(set.files.count == 3)

        for batches in [false, true] {
            var names: [String] = []
            let report =
                batches
                ? set.readBatches { entry, _ in
                    if case .spans(let batch) = entry { names += (0..<batch.count).map { batch.record(at: $0).name } }
                }
                : set.readSpans { entry, _ in
                    if case .span(let span) = entry { names.append(span.name) }
                }
            #expect(names == (0..<8).map { "s\($0)" })
            #expect(report.files.map(\.path) == [directory.file("a.tklog"), directory.file("c.tklog")])
            #expect(report.skipped.map(\.path) == [directory.file("b.tklog")])
            guard case .notATraceLog(_, let reason) = report.skipped.first else {
                Issue.record("expected notATraceLog, got \(report.skipped)")
                continue
            }
            #expect(reason.hasPrefix("no readable block (at offset 0: "))
        }
    }

    @Test func aRotatedSetInADirectoryIsReadOldestFirst() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("app.tklog")
        var options = LogWriterOptions()
        options.rotation = .init(maxFileBytes: 1)
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        for round in 0..<3 {
            for index in (round * 10)..<(round * 10 + 10) { writer.consume(Self.span(index, start: UInt64(index))) }
            writer.flush()
        }
        writer.shutdown()

        let set = LogSet(paths: [directory.path])
        #expect(set.files.map(\.path) == LogRotation.files(for: path))
        #expect(set.files.count == 4)
        var names: [String] = []
        let report = set.readBatches(attributes: []) { entry, _ in
            if case .spans(let batch) = entry { names += (0..<batch.count).map { batch.record(at: $0).name } }
        }
        #expect(names == (0..<30).map { "s\($0)" })
        #expect(report.files.map(\.spanCount) == [10, 10, 10, 0])
        #expect(report.skipped.isEmpty)
    }

    @Test func aDamagedLogIsReadPastTheDamageWhichIsReported() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("damaged.tklog")
        try Self.writeLog(path, 0..<20, perBlock: 5) { UInt64($0) }
        var bytes = TestFiles.bytes(path)
        let starts = TestFiles.blockOffsets(bytes)
        try #require(starts.count == 5)
        // Four blocks of five spans (the file header is in the first), then the end-of-file marker. Flip a byte in
        // the middle of the third block: its CRC no longer matches.
        let damagedStart = starts[2]
        bytes[(starts[2] + starts[3]) / 2] ^= 0xFF
        TestFiles.write(bytes, to: path)

        var names: [String] = []
        var damages: [LogDamage] = []
        let report = LogSet(paths: [path]).readSpans { entry, _ in
            switch entry {
            case .span(let span): names.append(span.name)
            case .damage(let damage): damages.append(damage)
            default: break
            }
        }
        // The third block (spans 10 to 14) is lost; the blocks after it are read.
        #expect(names == ((0..<10).map { "s\($0)" } + (15..<20).map { "s\($0)" }))
        #expect(damages.map(\.offset) == [Int64(damagedStart)])
        #expect(report.files.first?.damages == damages)
        #expect(report.files.first?.spanCount == 15)
        #expect(report.skipped.isEmpty)
    }

    @Test func aSecondPassReadsAsFarAsTheFirstEvenAfterTheFileGrew() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("growing.tklog")
        try Self.writeLog(path, 0..<10) { UInt64($0) }
        let set = LogSet(paths: [path])
        let first = set.readBatches { _, _ in }
        try Self.writeLog(path, 10..<20) { UInt64($0) }

        var again = 0
        let second = set.readBatches(asFarAs: first) { entry, _ in
            if case .spans(let batch) = entry { again += batch.count }
        }
        #expect(again == 10)
        #expect(second.files.first?.endOffset == first.files.first?.endOffset)
        var all = 0
        _ = set.readBatches { entry, _ in if case .spans(let batch) = entry { all += batch.count } }
        #expect(all == 20)
    }

    @Test func readingStopsWhenAsked() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try Self.writeLog(directory.file("a.tklog"), 0..<20, perBlock: 5) { UInt64($0) }
        try Self.writeLog(directory.file("b.tklog"), 20..<40, perBlock: 5) { UInt64($0) }
        var spans = 0
        let report = LogSet(paths: [directory.path]).readBatches(until: { spans >= 5 }) { entry, _ in
            if case .spans(let batch) = entry { spans += batch.count }
        }
        #expect(spans == 5)
        // The second file was never reached: it is neither read nor skipped.
        #expect(report.files.map(\.spanCount) == [5])
        #expect(report.skipped.isEmpty)
    }
}
