// StreamInputTests: logs read through /dev/stdin, pipes, process substitution and FIFOs give what the file gives;
// links, loops, permissions and endless non-logs get the right answer, quickly.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct StreamInputTests {
    /// A log with several blocks, its bytes, and the directory holding it.
    static func fixture() throws -> (directory: TemporaryDirectory, log: String, bytes: Data) {
        let directory = try TemporaryDirectory()
        let log = directory.file("stream.tklog")
        try LogFixture().write(to: log)
        return (directory, log, try Data(contentsOf: URL(fileURLWithPath: log)))
    }

    /// Runs `tracekit arguments` with `input` on stdin (a pipe).
    static func tracekit(_ arguments: [String], input: Data) throws -> CLIProcess.Output {
        guard let binary = CLIProcess.tracekitPath else {
            Issue.record("the tracekit binary was not found next to the tests; run `swift build --product tracekit`")
            throw CLIProcess.MissingBinary()
        }
        return try CLIProcess.run(binary, arguments, input: input)
    }

    @Test func everyReadingCommandReadsALogPipedToDevStdinAsItReadsTheFile() throws {
        let (directory, log, bytes) = try Self.fixture()
        let report = directory.file("report.html")
        let commands: [[String]] = [
            ["replay"], ["replay", "--json"], ["stats", "--json"], ["top", "--count", "5"],
            ["metrics", "--format", "openmetrics"], ["tree", "--slowest", "3"], ["tree", "--all"],
            ["export", "--format", "otlp-json"], ["verify"],
        ]
        for command in commands {
            let fromFile = try CLIProcess.tracekit(command + [log])
            #expect(fromFile.status == 0, "\(command): \(fromFile.stderr)")
            let fromPipe = try Self.tracekit(command + ["/dev/stdin"], input: bytes)
            #expect(fromPipe.status == 0, "\(command): \(fromPipe.stderr)")
            let expected =
                command == ["verify"] ? fromFile.text.replacingOccurrences(of: log, with: "/dev/stdin") : fromFile.text
            #expect(fromPipe.text == expected, "\(command) differs through a pipe")
            #expect(fromPipe.stderr.isEmpty, "\(command): \(fromPipe.stderr)")
        }
        let page = try Self.tracekit(["report", "/dev/stdin", "-o", report], input: bytes)
        #expect(page.status == 0, "\(page.stderr)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("180 spans in 60 traces") && html.contains("class=\"timeline\""))
    }

    @Test func processSubstitutionAndAFIFOAreRead() throws {
        let (directory, log, logBytes) = try Self.fixture()
        guard let bash = CLIProcess.which("bash"), let binary = CLIProcess.tracekitPath else {
            Issue.record("bash and the tracekit binary are needed")
            return
        }
        let substituted = try CLIProcess.run(bash, ["-c", "\"$0\" verify <(cat \"$1\")", binary, log])
        #expect(substituted.status == 0, "\(substituted.stderr)")
        #expect(substituted.text.contains(": intact: 180 spans, 1 writer session, \(logBytes.count) bytes"))

        let fifo = directory.file("log.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let bytes = [UInt8](logBytes)
        let written = CLIProcess.DataBox()
        Thread {
            // Blocks until a reader opens the FIFO, as a shell's `cat log > fifo` would.
            let descriptor = open(fifo, O_WRONLY)
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            written.set(Data())
        }.start()
        let fromFIFO = try CLIProcess.tracekit(["stats", fifo])
        // A reader that never opened the FIFO would leave the writer waiting: open it here so it can finish.
        let unblock = open(fifo, O_RDONLY | O_NONBLOCK)
        _ = written.wait()
        close(unblock)
        #expect(fromFIFO.status == 0, "\(fromFIFO.stderr)")
        #expect(fromFIFO.text == (try CLIProcess.tracekit(["stats", log])).text)
    }

    @Test func verifyThroughASymbolicLinkReportsTheTargetsSize() throws {
        let (directory, log, bytes) = try Self.fixture()
        let link = directory.file("link.tklog")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: log)
        let result = try CLIProcess.tracekit(["verify", link])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("\(link): intact: 180 spans, 1 writer session, \(bytes.count) bytes"))
    }

    @Test func aLoopOfLinksIsReportedAsALoop() throws {
        let directory = try TemporaryDirectory()
        let first = directory.file("a.tklog")
        let second = directory.file("b.tklog")
        try FileManager.default.createSymbolicLink(atPath: first, withDestinationPath: second)
        try FileManager.default.createSymbolicLink(atPath: second, withDestinationPath: first)
        for command in ["verify", "stats", "replay"] {
            let result = try CLIProcess.tracekit([command, first])
            #expect(result.status == 2)
            #expect(result.stderr.contains("\(first): cannot read: Too many levels of symbolic links (errno 40)"))
        }
    }

    @Test func aDirectoryThatCannotBeReadIsReportedAsPermissionDenied() throws {
        let (directory, _, _) = try Self.fixture()
        guard let binary = CLIProcess.tracekitPath else { throw CLIProcess.MissingBinary() }
        // Root reads any directory: run as nobody then (setpriv, util-linux).
        var command = [binary]
        if getuid() == 0 {
            guard let setpriv = CLIProcess.which("setpriv") else {
                _ = CLIProcess.require(false, "setpriv (Debian package util-linux) to drop root's permissions")
                return
            }
            command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", binary]
        }
        // The directory: neither readable nor searchable; readable but not searchable; a file in an unsearchable one.
        defer { chmod(directory.path, 0o755) }
        for (mode, path) in [(0o000, directory.path), (0o644, directory.path), (0o000, directory.file("stream.tklog"))]
        {
            chmod(directory.path, mode_t(mode))
            let result = try CLIProcess.run(command[0], Array(command.dropFirst()) + ["stats", path])
            #expect(result.status == 2, "mode \(String(mode, radix: 8)): \(result.stderr)")
            #expect(result.stderr.contains("cannot read: Permission denied (errno 13)"), "\(result.stderr)")
            #expect(!result.stderr.contains("holds no .tklog files"))
        }
    }

    @Test func endlessInputThatIsNoLogEndsWithExitTwo() throws {
        guard let binary = CLIProcess.tracekitPath else { throw CLIProcess.MissingBinary() }
        let directory = try TemporaryDirectory()
        let commands: [[String]] = [
            ["metrics", "/dev/zero"], ["export", "/dev/zero", "--format", "chrome", "-o", directory.file("out.json")],
            ["stats", "/dev/zero"], ["tree", "/dev/zero"], ["verify", "/dev/zero"], ["replay", "/dev/zero"],
        ]
        for command in commands {
            // A generous give-up bound: the command ends after reading 16 MiB, well under a second here.
            let result = try CLIProcess.run(binary, command, giveUpAfter: .seconds(300))
            #expect(result.status == 2, "\(command): status \(result.status)")
            #expect(
                result.stderr.contains(
                    "/dev/zero: not a TraceKit log: no readable block (at offset 0: bad gzip header: bad gzip magic; "
                        + "no valid BGZF block in the first 16 MiB"), "\(command): \(result.stderr)")
        }
    }
}
