// Tests `tracekit serve` as a user runs it: bad inputs refused before listening, torn logs served with a warning,
// a busy port, no partial replay on /metrics across a restart, and SIGTERM/SIGINT during a long read.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ServeTests {
    /// The request counter line `backend_http_requests_total{...} N` of a body, as N.
    static func requestCount(_ body: String) -> Int? {
        let prefix = "backend_http_requests_total{method=\"GET\",path=\"/items\",status=\"200\"} "
        guard let line = body.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Int(line.dropFirst(prefix.count))
    }

    /// The OpenMetrics `_created` of that counter.
    static func requestCreated(_ body: String) -> String? {
        let prefix = "backend_http_requests_created{method=\"GET\",path=\"/items\",status=\"200\"} "
        return body.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    enum BadInput: String, CaseIterable, Sendable {
        case textFile, deviceZero, missingFile, emptyDirectory, emptyFile
    }

    /// Each of these is exit 2 with a message naming the path, before anything listens.
    @Test(arguments: BadInput.allCases)
    func inputThatIsNotALogIsExit2BeforeListening(_ input: BadInput) async throws {
        let directory = try TemporaryDirectory()
        let path: String
        let reason: String
        switch input {
        case .textFile:
            path = directory.file("passwd")
            try "root:x:0:0:root:/root:/bin/bash\n".write(toFile: path, atomically: true, encoding: .utf8)
            reason = "not a TraceKit log: no readable block"
        case .deviceZero:
            path = "/dev/zero"
            reason = "not a TraceKit log: not a regular file"
        case .missingFile:
            path = directory.file("missing.tklog")
            reason = "cannot read: No such file or directory"
        case .emptyDirectory:
            path = directory.file("logs")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            reason = "not a TraceKit log: the directory holds no .tklog files"
        case .emptyFile:
            path = directory.file("empty.tklog")
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            reason = "not a TraceKit log: the file is empty"
        }
        for follow in [false, true] {
            let serve = try ServeProcess([path, "--port", "0"] + (follow ? ["--follow"] : []), directory: directory)
            let ended = try await offThread { serve.waitForExit(within: 60) }
            #expect(ended, "serve \(path) was still running after 60 s")
            #expect(serve.exitStatus == 2)
            #expect(serve.standardError.contains("tracekit: error: \(path): \(reason)"), "\(serve.standardError)")
            #expect(serve.readLine() == nil, "serve printed a listening line for \(path)")
        }
    }

    /// A log with a torn last block still has good blocks: it is served, with a warning naming the damage.
    @Test func tornLogIsServedWithAWarning() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("torn.tklog")
        try LogFixture(traceCount: 60).write(to: path)
        let offsets = try LogFixture.blockOffsets(path)
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        // Cut inside the last data block (before the end-of-file marker): its spans are lost, the others stay.
        let lastDataBlock = try #require(offsets.dropLast().last)
        #expect(truncate(path, off_t(lastDataBlock + 20)) == 0)
        #expect(lastDataBlock + 20 < size)
        let serve = try ServeProcess([path, "--port", "0"], directory: directory)
        let port = try serve.port()
        #expect(serve.readLine()?.hasPrefix("ready: ") == true)
        let answer = try #require(try await offThread { httpGet(port: port) })
        #expect(answer.status == 200)
        let count = try #require(Self.requestCount(answer.body))
        #expect(count > 0 && count < 60)
        #expect(serve.standardError.contains("tracekit: warning: \(path): skipped a damaged region at offset "))
        #expect(serve.stop())
        #expect(serve.exitStatus == 0)
    }

    @Test func busyPortIsExit2WithTheReason() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.tklog")
        try LogFixture(traceCount: 5).write(to: path)
        let first = try ServeProcess([path, "--port", "0"], directory: directory)
        let port = try first.port()
        let second = try ServeProcess([path, "--port", String(port)], directory: directory)
        #expect(try await offThread { second.waitForExit(within: 60) })
        #expect(second.exitStatus == 2)
        #expect(
            second.standardError.contains(
                "tracekit: error: cannot listen on 127.0.0.1:\(port): Address already in use (errno 98)"),
            "\(second.standardError)")
        #expect(first.stop())
    }

    /// Restarting `serve --follow` over the same log: every /metrics answer during either start is a 503 or the
    /// whole count, never part of it, and OpenMetrics `_created` stays where it was (a partial count or a later
    /// `_created` is a counter reset to Prometheus).
    @Test func restartOverTheSameLogNeverExposesAPartialCount() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("big.tklog")
        let traces = 40_000
        try LogFixture(traceCount: traces, tracesPerBlock: 50).write(to: path)
        let port = try #require(freeLoopbackPort())
        var created: [String] = []
        for run in 0..<2 {
            let serve = try ServeProcess([path, "--follow", "--port", String(port)], directory: directory)
            #expect(try serve.port() == port)
            let seen = try await offThread { () -> (counts: [Int], unavailable: Int, created: String?) in
                var counts: [Int] = []
                var unavailable = 0
                let deadline = Date().addingTimeInterval(120)
                while Date() < deadline {
                    guard let answer = httpGet(port: port, accept: "application/openmetrics-text; version=1.0.0")
                    else { continue }
                    if answer.status == 503 {
                        unavailable += 1
                        continue
                    }
                    counts.append(Self.requestCount(answer.body) ?? 0)
                    if counts.count >= 3 { return (counts, unavailable, Self.requestCreated(answer.body)) }
                }
                return (counts, unavailable, nil)
            }
            #expect(seen.counts == [traces, traces, traces], "run \(run): \(seen.counts.prefix(5))")
            created.append(try #require(seen.created, "run \(run): no _created"))
            #expect(httpGet(port: port, path: "/ready")?.status == 200)
            #expect(serve.stop(with: SIGTERM))
            #expect(serve.exitStatus == 0)
        }
        #expect(created[0] == created[1], "_created moved across the restart: \(created)")
    }

    /// A replay stuck in one long read (a good block, then 64 GiB of zeros the reader searches through: minutes)
    /// does not hold up SIGTERM or SIGINT, and the server answers meanwhile (/healthy 200, /ready 503).
    @Test(arguments: [SIGTERM, SIGINT])
    func signalEndsServeDuringALongRead(_ signal: Int32) async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("long.tklog")
        try LogFixture(traceCount: 5).write(to: path)
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        #expect(truncate(path, off_t(size + (64 << 30))) == 0)
        let serve = try ServeProcess([path, "--port", "0"], directory: directory)
        let port = try serve.port()
        #expect(try await offThread { httpGet(port: port, path: "/healthy")?.status } == 200)
        #expect(try await offThread { httpGet(port: port, path: "/ready")?.status } == 503)
        #expect(try await offThread { httpGet(port: port)?.status } == 503)
        // A give-up bound far below the minutes the read takes, not a speed measure.
        #expect(try await offThread { serve.stop(with: signal, within: 60) }, "serve ignored signal \(signal)")
        #expect(serve.exitStatus == 0)
    }
}
