// ReaderTests: merged reading of many files and directories, the AsyncSequence, follow mode, one-line set-up.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite struct ReaderTests {
    static func span(_ index: Int, start: UInt64, duration: UInt64 = 10) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 3, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
            name: "s\(index)", startUnixNanoseconds: start, durationNanoseconds: duration)
    }

    @Test func manyFilesAreMergedInStartTimeOrder() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var random = SeededGenerator(seed: 81)
        var all: [SpanRecord] = []
        for file in 0..<3 {
            // Each file in finishing (end) order, as a writer produces it, with durations up to 5000.
            var spans: [SpanRecord] = []
            for index in 0..<400 {
                let start = UInt64.random(in: 0..<1_000_000, using: &random)
                spans.append(
                    Self.span(file * 1000 + index, start: start, duration: UInt64.random(in: 0..<5000, using: &random)))
            }
            spans.sort { $0.endUnixNanoseconds < $1.endUnixNanoseconds }
            all += spans
            _ = try TestFiles.writeLog(spans, to: directory.file("part\(file).tklog"), perBlock: 100)
        }
        let merged = try MergedLogReader(directory: directory.path, reorderWindow: 1_000_000).spans()
        #expect(merged.count == 1200)
        #expect(merged.map(\.startUnixNanoseconds) == all.map(\.startUnixNanoseconds).sorted())
        #expect(Set(merged) == Set(all))

        // A small window still emits everything, mostly in order, with memory bounded by the window.
        let windowed = try MergedLogReader(directory: directory.path, reorderWindow: 50).spans()
        #expect(Set(windowed) == Set(all))
    }

    @Test func theMergeIsExactWithoutAHugeWindowWhenSpansEndInOrder() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let first = (0..<300).map { Self.span($0, start: UInt64($0) * 100, duration: 50) }
        let second = (0..<300).map { Self.span(1000 + $0, start: UInt64($0) * 100 + 30, duration: 50) }
        _ = try TestFiles.writeLog(first, to: directory.file("a.tklog"), perBlock: 64)
        _ = try TestFiles.writeLog(second, to: directory.file("b.tklog"), perBlock: 64)
        let merged = try MergedLogReader(
            paths: [directory.file("a.tklog"), directory.file("b.tklog")], reorderWindow: 8)
        let spans = merged.spans()
        #expect(spans == zip(first, second).flatMap { [$0, $1] })
    }

    @Test func theAsyncSequenceYieldsTheSameSpansAsTheIterator() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("async.tklog")
        let spans = (0..<500).map { Self.span($0, start: UInt64($0)) }
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 128)
        var collected: [SpanRecord] = []
        for try await span in LogEntries(path: path).spans { collected.append(span) }
        #expect(collected == spans)
        var headers: [LogFileHeader] = []
        for try await entry in LogEntries(path: path) {
            if case .header(let header) = entry { headers.append(header) }
        }
        #expect(headers.map(\.resource) == [TestFiles.resource])
    }

    @Test func followModeSeesBlocksAsTheyAreWrittenAndDoesNotReportTheIncompleteTail() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("follow.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        defer { writer.shutdown() }
        let reader = try LogReader(path: path, follow: true)
        #expect(reader.next() == nil)
        writer.consume(Self.span(1, start: 1))
        writer.flush()
        var seen = Array(IteratorSequence(reader)).spans
        #expect(seen == [Self.span(1, start: 1)])
        // Half a block appended by hand looks like a writer mid-write: not damage in follow mode.
        let bytes = TestFiles.bytes(path)
        TestFiles.appendInPlace(Array(bytes[0..<40]), to: path)
        #expect(reader.next() == nil)
        #expect(reader.damages.isEmpty)
        // Cut the fake half block again, as a writer reopening the file would; then more spans arrive.
        TestFiles.truncateInPlace(path, to: bytes.count)
        writer.consume(Self.span(2, start: 2))
        writer.flush()
        seen = Array(IteratorSequence(reader)).spans
        #expect(seen == [Self.span(2, start: 2)])
    }

    @Test func followModeMovesToTheNewFileAfterRotation() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("rotating.tklog")
        var options = LogWriterOptions()
        options.rotation = .init(maxFileBytes: 1)
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        let reader = try LogReader(path: path, follow: true)
        writer.consume(Self.span(1, start: 1))
        writer.flush()
        writer.consume(Self.span(2, start: 2))
        writer.flush()
        writer.shutdown()
        #expect(Array(IteratorSequence(reader)).spans == [Self.span(1, start: 1), Self.span(2, start: 2)])
    }

    @Test(.timeLimit(.minutes(1)))
    func asyncFollowStopsWhenTheTaskIsCancelled() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("cancel.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        defer { writer.shutdown() }
        writer.consume(Self.span(1, start: 1))
        writer.flush()
        // Each span read is handed over as it comes, so the test waits for spans, not for fixed times.
        let (names, seen) = AsyncStream.makeStream(of: String.self)
        let task = Task {
            defer { seen.finish() }
            for try await span in LogEntries(path: path, follow: true, pollInterval: .milliseconds(10)).spans {
                seen.yield(span.name)
            }
        }
        var iterator = names.makeAsyncIterator()
        #expect(await iterator.next() == "s1")
        writer.consume(Self.span(2, start: 2))
        writer.flush()
        #expect(await iterator.next() == "s2")
        task.cancel()
        // The follow loop ends: the stream finishes with nothing more (a loop that ignored cancellation would
        // hit the time limit).
        try await task.value
        #expect(await iterator.next() == nil)
    }

    @Test func aConfigurationWithALogWritesTheRecordersSpansWithCounterIds() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("configured.tklog")
        let configuration = try TraceConfiguration(service: "configured", log: .file(path))
        let recorder = TraceRecorder(configuration)
        let writer = try #require(configuration.logWriters.first)
        writer.useIdentifiers(of: recorder)
        TraceSystem.withRecorder(recorder) {
            traceOperation("outer") { traceOperation("inner") {} }
        }
        recorder.shutdown()
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans.map(\.name) == ["inner", "outer"])
        #expect(entries.spans.first?.parentSpanID == entries.spans.last?.spanID)
        guard case .header(let header) = entries.first else {
            Issue.record("no file header")
            return
        }
        #expect(header.resource.serviceName == "configured")
        // Counter-coded: the payload has no raw 8-byte span ids, so it is small.
        #expect(TestFiles.bytes(path).count < 250)
    }

    @Test func readingAheadAndReadingDirectlyGiveTheSameEntriesAlsoOnADamagedFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("modes.tklog")
        var generator = SpanGenerator(seed: 91)
        let spans = (0..<2000).map { _ in generator.span() }
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 150)
        var bytes = TestFiles.bytes(path)
        let starts = TestFiles.blockOffsets(bytes)
        bytes[starts[3] + 40] ^= 0x55
        bytes.insert(contentsOf: [1, 2, 3, 4, 5], at: starts[6])
        TestFiles.write(Array(bytes.dropLast(100)), to: path)
        let ahead = Array(try LogReader(path: path, readAhead: true))
        let direct = Array(try LogReader(path: path, readAhead: false))
        #expect(ahead == direct)
        #expect(ahead.damages.count == 3)
        // Lost: the flipped block (150 spans) and the cut last block (the 50 spans after 13 full blocks).
        #expect(ahead.spans.count == 2000 - 150 - 50)
    }

    @Test func stoppingEarlyReleasesTheReadAheadThreads() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("early.tklog")
        let spans = (0..<20_000).map { Self.span($0, start: UInt64($0)) }
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 20_000)
        for _ in 0..<20 {
            var taken: [SpanRecord] = []
            for entry in try LogReader(path: path) {
                if case .span(let span) = entry { taken.append(span) }
                if taken.count == 10 { break }
            }
            #expect(taken == Array(spans.prefix(10)))
        }
    }
}
