// LogSetFollowTests: following a set of growing logs, across rotation, until the follower is told to stop.

import Foundation
import Testing
import TraceKit
import TraceSync

@testable import TraceLog

@Suite struct LogSetFollowTests {
    /// A `LogSet.follow` running on a thread of its own, collecting the names of the spans it reads.
    final class Follower: Sendable {
        private let stopped = Locked(false)
        private let names = Locked([String]())
        private let caughtUp = Locked(0)
        private let result = Locked<Result<LogSet.Report, LogSet.Problem>?>(nil)
        private let done = DispatchSemaphore(value: 0)

        init(_ set: LogSet, pollInterval: Duration) {
            Thread { [self] in
                let outcome = Result { () throws(LogSet.Problem) -> LogSet.Report in
                    try set.follow(
                        pollInterval: pollInterval, until: { self.stopped.withLock { $0 } },
                        onCaughtUp: { self.caughtUp.withLock { $0 += 1 } }
                    ) { entry, _ in
                        if case .span(let span) = entry { self.names.withLock { $0.append(span.name) } }
                    }
                }
                result.withLock { $0 = outcome }
                done.signal()
            }.start()
        }

        var spanNames: [String] { names.withLock { $0 } }
        var timesCaughtUp: Int { caughtUp.withLock { $0 } }

        /// Waits up to 30 s for `condition`.
        func waitUntil(_ condition: () -> Bool) -> Bool {
            let deadline = ContinuousClock.now + .seconds(30)
            while !condition() {
                if ContinuousClock.now > deadline { return false }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return true
        }

        /// Tells the follower to stop and waits up to `seconds` for it to return.
        func stop(within seconds: Double) -> Result<LogSet.Report, LogSet.Problem>? {
            stopped.withLock { $0 = true }
            guard done.wait(timeout: .now() + seconds) == .success else { return nil }
            return result.withLock { $0 }
        }
    }

    static func span(_ index: Int) -> SpanRecord {
        SpanRecord(
            traceID: TraceID(high: 9, low: UInt64(index) + 1), spanID: SpanID(rawValue: UInt64(index) + 1),
            name: "s\(index)", startUnixNanoseconds: UInt64(index), durationNanoseconds: 10)
    }

    @Test(.timeLimit(.minutes(2)))
    func aGrowingLogIsFollowedUntilTheFollowerIsStopped() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("live.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        defer { writer.shutdown() }
        for index in 0..<5 { writer.consume(Self.span(index)) }
        writer.flush()

        let follower = Follower(LogSet(paths: [path]), pollInterval: .milliseconds(10))
        #expect(follower.waitUntil { follower.spanNames.count == 5 && follower.timesCaughtUp == 1 })
        for index in 5..<12 { writer.consume(Self.span(index)) }
        writer.flush()
        #expect(follower.waitUntil { follower.spanNames.count == 12 })
        #expect(follower.spanNames == (0..<12).map { "s\($0)" })
        let outcome = try #require(follower.stop(within: 10), "the follower did not stop within 10 s")
        let report = try outcome.get()
        #expect(report.files.map(\.path) == [path])
        #expect(report.files.first?.spanCount == 12)
        #expect(report.files.first?.headerCount == 1)
        // Caught up once, not once per look at the file.
        #expect(follower.timesCaughtUp == 1)
    }

    @Test(.timeLimit(.minutes(2)))
    func stoppingCutsTheSleepBetweenLooksShort() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("quiet.tklog")
        let writer = try LogWriter(path: path, resource: TestFiles.resource)
        defer { writer.shutdown() }
        writer.consume(Self.span(0))
        writer.flush()
        // A poll interval far longer than the test waits: the follower is asleep when it is told to stop.
        let follower = Follower(LogSet(paths: [path]), pollInterval: .seconds(60))
        #expect(follower.waitUntil { follower.timesCaughtUp == 1 })
        let started = ContinuousClock.now
        let outcome = try #require(follower.stop(within: 10), "the follower did not stop within 10 s")
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(try outcome.get().files.first?.spanCount == 1)
    }

    @Test(.timeLimit(.minutes(2)))
    func aFollowedLogIsFollowedAcrossRotationFromAnEmptyStart() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("rotating.tklog")
        var options = LogWriterOptions()
        options.rotation = .init(maxFileBytes: 1)
        let writer = try LogWriter(path: path, resource: TestFiles.resource, options: options)
        defer { writer.shutdown() }

        // The writer may not have written anything yet: a follower accepts a file that holds nothing.
        let follower = Follower(LogSet(files: [LogSet.File(path: path)]), pollInterval: .milliseconds(10))
        #expect(follower.waitUntil { follower.timesCaughtUp == 1 })
        for round in 0..<3 {
            for index in (round * 4)..<(round * 4 + 4) { writer.consume(Self.span(index)) }
            writer.flush()
            #expect(follower.waitUntil { follower.spanNames.count == round * 4 + 4 }, "round \(round)")
        }
        #expect(LogRotation.files(for: path).count == 4)
        #expect(follower.spanNames == (0..<12).map { "s\($0)" })
        let outcome = try #require(follower.stop(within: 10), "the follower did not stop within 10 s")
        #expect(try outcome.get().files.first?.spanCount == 12)
    }

    @Test func aFileThatCannotBeOpenedFailsTheFollowerBeforeAnythingIsRead() {
        let missing = "/nonexistent/\(UUID()).tklog"
        var entries = 0
        #expect(throws: LogSet.Problem.cannotRead(path: missing, error: .cannotOpen(path: missing, errno: ENOENT))) {
            try LogSet(files: [LogSet.File(path: missing)]).follow(until: { false }) { _, _ in entries += 1 }
        }
        #expect(entries == 0)
    }
}
