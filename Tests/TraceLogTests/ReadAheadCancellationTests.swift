// ReadAheadCancellationTests: a reader dropped while its read-ahead searches a huge damaged region stops at once.

import Foundation
import Synchronization
import Testing
import TraceKit

@testable import TraceLog

@Suite struct ReadAheadCancellationTests {
    /// A good block, then 64 GiB of zeros (a sparse file): the read-ahead thread searches the zeros for the next
    /// block, which takes minutes. Taking the first span and dropping the reader must not wait for that search
    /// (`tracekit serve` checks its inputs this way before it listens).
    @Test func droppingAReaderEndsItsSearchThroughALongDamagedRegion() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var generator = SpanGenerator(seed: 7)
        let spans = (0..<6).map { _ in generator.span() }
        let path = directory.file("long.tklog")
        _ = try TestFiles.writeLog(spans, to: path, perBlock: 3)
        let size = TestFiles.bytes(path).count
        #expect(truncate(path, off_t(size + (64 << 30))) == 0)

        let finished = DispatchSemaphore(value: 0)
        let firstSpan = Mutex<SpanRecord?>(nil)
        Thread {
            do {
                let reader = try LogReader(path: path)
                while let entry = reader.next() {
                    if case .span(let span) = entry {
                        firstSpan.withLock { $0 = span }
                        break
                    }
                }
            } catch {}
            finished.signal()
        }.start()
        // A give-up bound far below the minutes the search takes, not a speed measure.
        let returned = await Task.detached { finished.wait(timeout: .now() + 60) == .success }.value
        #expect(returned, "dropping the reader waited for its read-ahead's search")
        #expect(firstSpan.withLock { $0 } == spans.first)
    }
}
