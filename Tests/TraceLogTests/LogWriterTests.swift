// LogWriterTests: sealing, flushing, back-pressure, recovery on append, rotation and error reporting.

import Foundation
import Testing
import TraceKit
import TraceKitTesting

@testable import TraceLog

@Suite struct LogWriterTests {
    static func span(_ index: Int) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 1, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
            name: "op.\(index % 5)", startUnixNanoseconds: 1_000_000 + UInt64(index) * 1000,
            durationNanoseconds: 500, attributes: ["index": .int(Int64(index))])
    }

    @Test func flushMakesEveryConsumedSpanReadableBeforeItReturns() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("flush.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        defer { writer.shutdown() }
        for index in 0..<100 { writer.consume(Self.span(index)) }
        writer.flush()
        #expect(Array(try LogReader(path: path)).spans == (0..<100).map(Self.span))
        for index in 100..<150 { writer.consume(Self.span(index)) }
        writer.flush()
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans == (0..<150).map(Self.span))
        #expect(entries.damages.isEmpty)
        #expect(writer.statistics.spansWritten == 150)
        #expect(writer.statistics.blocksWritten == 2)
    }

    @Test func aBlockIsSealedWhenOlderThanTheFlushIntervalWithoutAFlushCall() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("interval.tklog")
        var options = LogWriterOptions()
        options.flushInterval = .milliseconds(100)
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        defer { writer.shutdown() }
        writer.consume(Self.span(1))
        // Polled up to a generous deadline: the writer thread may be scheduled late on a loaded machine.
        var found: [SpanRecord] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while found.isEmpty, ContinuousClock.now < deadline {
            usleep(25_000)
            found = Array(try LogReader(path: path)).spans
        }
        #expect(found == [Self.span(1)])
    }

    @Test func shutdownWritesTheEndOfFileMarkerAndLaterSpansAreDroppedAndCounted() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("close.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        writer.consume(Self.span(1))
        writer.shutdown()
        writer.consume(Self.span(2))
        writer.flush()
        writer.shutdown()
        #expect(Array(TestFiles.bytes(path).suffix(28)) == LogFormat.endOfFileMarker)
        #expect(Array(try LogReader(path: path)).spans == [Self.span(1)])
        #expect(writer.statistics.spansDropped == 1)
    }

    @Test func aFullBufferDropsNewestCountsThemAndWritesADropNotice() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("drop.tklog")
        var options = LogWriterOptions()
        options.bufferCapacity = 8
        options.flushInterval = .seconds(60)
        options.overflowPolicy = .dropNewest
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        // Far more spans than the buffer holds, faster than a woken writer thread can take them all.
        for index in 0..<20_000 { writer.consume(Self.span(index)) }
        writer.shutdown()
        let statistics = writer.statistics
        #expect(statistics.spansDropped > 0)
        #expect(statistics.spansWritten + statistics.spansDropped == 20_000)
        let entries = Array(try LogReader(path: path))
        let noticed = entries.compactMap { entry -> UInt64? in
            if case .droppedSpans(let dropped) = entry, dropped.reason == .bufferFull { return dropped.count }
            return nil
        }
        #expect(noticed.reduce(0, +) == statistics.spansDropped)
        #expect(UInt64(entries.spans.count) == statistics.spansWritten)
    }

    @Test func theBlockCallerPolicyLosesNothing() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("block.tklog")
        var options = LogWriterOptions()
        options.bufferCapacity = 8
        options.overflowPolicy = .blockCaller
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        for index in 0..<20_000 { writer.consume(Self.span(index)) }
        writer.shutdown()
        #expect(writer.statistics.spansDropped == 0)
        #expect(Array(try LogReader(path: path)).spans == (0..<20_000).map(Self.span))
    }

    @Test func theDefaultPolicyWaitsForAWorkingWriterAndLosesNothing() throws {
        #expect(LogWriterOptions().overflowPolicy == .blockCallerUpTo(.milliseconds(100)))
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("wait.tklog")
        var options = LogWriterOptions()
        options.bufferCapacity = 8
        // The default's mechanism with a bound no loaded test machine reaches: nothing may be lost.
        options.overflowPolicy = .blockCallerUpTo(.seconds(120))
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        for index in 0..<20_000 { writer.consume(Self.span(index)) }
        writer.shutdown()
        #expect(writer.statistics.spansDropped == 0)
        #expect(writer.droppedSpanCounts == ["buffer_full": 0, "write_failed": 0, "too_large": 0])
        #expect(Array(try LogReader(path: path)).spans == (0..<20_000).map(Self.span))
    }

    @Test func aStalledWriterCostsOneWaitThenSpansDropAtOnceUntilItTakesSpansAgain() {
        // No writer thread: the queue alone, so the stall is certain.
        let queue = WriterQueue(capacity: 2, overflowPolicy: .blockCallerUpTo(.milliseconds(50)))
        #expect(queue.push(Self.span(0)))
        #expect(queue.push(Self.span(1)))
        #expect(!queue.isWriterStalled)
        #expect(!queue.push(Self.span(2)))  // waited 50 ms for room that never came
        #expect(queue.isWriterStalled)
        #expect(!queue.push(Self.span(3)))  // dropped without waiting while stalled
        var batch: [SpanRecord] = []
        let work = queue.take(into: &batch, deadlineNanoseconds: 0)
        #expect(batch.count == 2 && work.dropped == 2)
        #expect(!queue.isWriterStalled)
        #expect(queue.push(Self.span(4)))
    }

    @Test func reopeningKeepsCompleteBlocksCutsATornTailAndResumes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("append.tklog")
        let first = try LogWriter(path: path, resource: TestFiles.resource)
        for index in 0..<10 { first.consume(Self.span(index)) }
        first.flush()
        for index in 10..<20 { first.consume(Self.span(index)) }
        first.shutdown()
        // Tear the file: drop the EOF marker and half of the second block.
        let bytes = TestFiles.bytes(path)
        let starts = TestFiles.blockOffsets(bytes)
        #expect(starts.count == 3)
        let tornLength = starts[1] + (starts[2] - starts[1]) / 2
        TestFiles.write(Array(bytes[0..<tornLength]), to: path)

        let second = try LogWriter(path: path, resource: TestFiles.resource)
        #expect(second.recovery.discardedBytes == Int64(tornLength - starts[1]))
        #expect(second.recovery.resumeOffset == Int64(starts[1]))
        for index in 20..<30 { second.consume(Self.span(index)) }
        second.shutdown()
        let entries = Array(try LogReader(path: path))
        #expect(entries.damages.isEmpty)
        #expect(entries.spans == (0..<10).map(Self.span) + (20..<30).map(Self.span))
        // Each writer session starts with a file header record.
        #expect(entries.filter { if case .header = $0 { return true } else { return false } }.count == 2)
    }

    @Test func reopeningACleanlyClosedLogRemovesTheEndMarkerAndDiscardsNothing() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("clean.tklog")
        _ = try TestFiles.writeLog((0..<5).map(Self.span), to: path, perBlock: 5)
        let size = TestFiles.bytes(path).count
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        #expect(writer.recovery.discardedBytes == 0)
        #expect(writer.recovery.resumeOffset == Int64(size - 28))
        writer.consume(Self.span(5))
        writer.shutdown()
        let bytes = TestFiles.bytes(path)
        // Exactly one EOF marker, at the end.
        #expect(TestFiles.blockOffsets(bytes).count == 3)
        #expect(Array(try LogReader(path: path)).spans == (0..<6).map(Self.span))
    }

    @Test func rotationBySizeUsesNumberedNamesAndLosesNoSpans() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("app.tklog")
        var options = LogWriterOptions()
        options.rotation = .init(maxFileBytes: 1)
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        for round in 0..<3 {
            for index in (round * 10)..<(round * 10 + 10) { writer.consume(Self.span(index)) }
            writer.flush()
        }
        writer.shutdown()
        let files = LogRotation.files(for: path)
        #expect(files == ["000001", "000002", "000003"].map { directory.file("app.\($0).tklog") } + [path])
        #expect(writer.statistics.rotations == 3)
        let spans = try files.flatMap { file in Array(try LogReader(path: file)).spans }
        #expect(spans == (0..<30).map(Self.span))
        for file in files.dropLast() {
            #expect(Array(TestFiles.bytes(file).suffix(28)) == LogFormat.endOfFileMarker)
        }
    }

    @Test func rotationKeepsOnlyTheNewestRotatedFiles() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("app.tklog")
        var options = LogWriterOptions()
        options.rotation = .init(maxFileBytes: 1, maxRotatedFiles: 2)
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        for round in 0..<5 {
            for index in (round * 10)..<(round * 10 + 10) { writer.consume(Self.span(index)) }
            writer.flush()
        }
        writer.shutdown()
        let files = LogRotation.files(for: path)
        #expect(files == ["000004", "000005"].map { directory.file("app.\($0).tklog") } + [path])
        #expect(writer.statistics.rotations == 5)
        #expect(writer.statistics.rotatedFilesDeleted == 3)
        // The newest rotated files keep the newest spans.
        let spans = try files.flatMap { file in Array(try LogReader(path: file)).spans }
        #expect(spans == (30..<50).map(Self.span))
    }

    @Test func rotationByAgeStartsANewFileAfterTheAge() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("aged.tklog")
        var options = LogWriterOptions()
        options.rotation = .init(maxFileAge: .milliseconds(150))
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        writer.consume(Self.span(1))
        writer.flush()
        usleep(400_000)
        writer.consume(Self.span(2))
        writer.shutdown()
        let files = LogRotation.files(for: path)
        #expect(files.count >= 2)
        #expect(files.first == directory.file("aged.000001.tklog"))
        #expect(try files.flatMap { Array(try LogReader(path: $0)).spans } == [Self.span(1), Self.span(2)])
    }

    @Test func aWriterAsSinkOfTheRecorderStoresIdsAsCountersAndTheyComeBack() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("recorder.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        let collector = InMemorySpanSink()
        let recorder = TraceRecorder(TraceConfiguration(service: "t", sinks: [writer, collector]))
        writer.useIdentifiers(of: recorder)
        TraceSystem.withRecorder(recorder) {
            for _ in 0..<50 {
                traceOperation("root", ["k": "v"]) {
                    traceOperation("child") { traceOperation("leaf", ["n": 1]) {} }
                }
            }
        }
        writer.shutdown()
        let spans = Array(try LogReader(path: path)).spans
        #expect(spans.count == 150)
        #expect(spans == collector.spans)
    }

    @Test func openingAPathInAMissingDirectoryThrowsCannotOpen() {
        #expect(throws: TraceLogError.cannotOpen(path: "/nonexistent-dir/x.tklog", errno: ENOENT)) {
            _ = try LogWriter(path: "/nonexistent-dir/x.tklog", resource: TestFiles.resource)
        }
    }

    @Test func reopeningKeepsDamageInTheMiddleReportsItAndDiscardsNothing() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("middle.tklog")
        _ = try TestFiles.writeLog((0..<30).map(Self.span), to: path, perBlock: 10)
        var bytes = TestFiles.bytes(path)
        let starts = TestFiles.blockOffsets(bytes)
        bytes[starts[1] + 30] ^= 0xFF  // inside the second block's deflate data
        TestFiles.write(bytes, to: path)

        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        #expect(writer.recovery.discardedBytes == 0)
        #expect(writer.recovery.damagedRegions.map(\.offset) == [Int64(starts[1])])
        writer.consume(Self.span(30))
        writer.shutdown()
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans == (0..<10).map(Self.span) + (20..<31).map(Self.span))
        #expect(entries.damages.map(\.offset) == [Int64(starts[1])])
    }

    @Test func spansConsumedFromManyThreadsAreAllWritten() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("threads.tklog")
        var options = LogWriterOptions()
        options.bufferCapacity = 64
        options.overflowPolicy = .blockCaller
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<4 {
                group.addTask {
                    for index in 0..<5000 { writer.consume(Self.span(thread * 10_000 + index)) }
                }
            }
        }
        writer.shutdown()
        let spans = Array(try LogReader(path: path)).spans
        #expect(spans.count == 20_000)
        #expect(Set(spans.map(\.spanID.rawValue)).count == 20_000)
        // Each thread's spans keep their order.
        for thread in 0..<4 {
            let mine = spans.filter { Int($0.spanID.rawValue - 1) / 10_000 == thread }
            #expect(mine == (0..<5000).map { Self.span(thread * 10_000 + $0) })
        }
    }

    @Test func aWriterRefusesAFileThatIsNotATraceLogAndLeavesItUnchanged() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("notes.txt")
        let text = Array("these are somebody's notes, not a trace log\n".utf8)
        TestFiles.write(text, to: path)
        #expect(throws: TraceLogError.notATraceLog(path: path)) {
            _ = try LogWriter(path: path, resource: TestFiles.resource)
        }
        #expect(TestFiles.bytes(path) == text)
    }

    @Test func aWriterRestartsAfterACrashTornTheVeryFirstBlock() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("first.tklog")
        _ = try TestFiles.writeLog((0..<10).map(Self.span), to: path, perBlock: 10)
        TestFiles.write(Array(TestFiles.bytes(path).prefix(60)), to: path)
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        #expect(writer.recovery.discardedBytes == 60)
        writer.consume(Self.span(10))
        writer.shutdown()
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans == [Self.span(10)])
        #expect(entries.damages.isEmpty)
    }

    @Test func moreThanABlockOfGarbageAtTheEndIsKeptAndWrittenAfter() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("garbage-tail.tklog")
        _ = try TestFiles.writeLog((0..<10).map(Self.span), to: path, perBlock: 10)
        var random = SeededGenerator(seed: 111)
        let garbage = (0..<70_000).map { _ in UInt8.random(in: 0...0x1E, using: &random) }
        TestFiles.appendInPlace(garbage, to: path)
        let size = TestFiles.bytes(path).count
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        #expect(writer.recovery.discardedBytes == 0)
        #expect(writer.recovery.resumeOffset == Int64(size))
        writer.consume(Self.span(10))
        writer.shutdown()
        let entries = Array(try LogReader(path: path))
        #expect(entries.spans == (0..<11).map(Self.span))
        #expect(entries.damages.map(\.length) == [70_000])
    }
}
