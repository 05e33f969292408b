// OutputFailureTests: a full disk or an odd destination gets a clear error, and never a lost or replaced file.

import Foundation
import Testing

@Suite struct OutputFailureTests {
    static let hasFullDevice = FileManager.default.fileExists(atPath: "/dev/full")

    /// Every command that prints results: with stdout on a full device each says so and exits 2, where before
    /// most exited 0 with their output lost (and `export` crashed).
    @Test(
        .enabled(if: hasFullDevice),
        arguments: [
            ["replay"], ["stats"], ["tree"], ["top"], ["metrics"], ["verify"], ["export", "--format", "otlp-json"],
        ])
    func aFullStandardOutputIsAnError(command: [String]) throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("full.tklog")
        try LogFixture().write(to: log)
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try CLIProcess.tracekit([command[0], log] + command.dropFirst(), standardOutput: full)
        #expect(result.status == 2, "\(command): \(result.stderr)")
        #expect(
            result.stderr.contains("cannot write standard output: No space left on device"),
            "\(command): \(result.stderr)")
    }

    @Test(.enabled(if: hasFullDevice))
    func anErrorWithNowhereToReportItStillExitsTwo() throws {
        // Foundation's FileHandle.write crashed the process when stderr could not take the message.
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try CLIProcess.tracekit(["stats", "/nonexistent/missing.tklog"], standardError: full)
        #expect(result.status == 2)
    }

    @Test(.enabled(if: hasFullDevice))
    func anOutputFileIsReplacedWholeAndLinksAndDevicesAreWrittenThrough() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("out.tklog")
        try LogFixture().write(to: log)
        let expected = try CLIProcess.tracekit(["export", log, "--format", "otlp-json"]).stdout
        #expect(!expected.isEmpty)

        // A regular file is replaced, and no temporary file stays behind.
        let file = directory.file("out.json")
        try Data("old contents".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "-o", file]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == expected)

        // A symbolic link stays a link; its target gets the bytes.
        let target = directory.file("target.json")
        let link = directory.file("link.json")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "-o", link]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == expected)

        // A device is written in place (renaming over /dev/null would replace it with a regular file).
        #expect(try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "-o", "/dev/null"]).status == 0)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)

        // A full device is an error that names the file and the reason.
        let full = try CLIProcess.tracekit(["report", log, "-o", "/dev/full"])
        #expect(full.status == 2)
        #expect(full.stderr.contains("/dev/full: cannot write: No space left on device"), "\(full.stderr)")

        // `/dev/stdout` is the command's stdout as given (here a pipe), not a file to rename over.
        let piped = try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "-o", "/dev/stdout"])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == expected)

        // A relative link is followed from its own directory; a regular file keeps its permission bits.
        try FileManager.default.createDirectory(atPath: directory.file("sub"), withIntermediateDirectories: true)
        let relative = directory.file("relative.json")
        try FileManager.default.createSymbolicLink(atPath: relative, withDestinationPath: "sub/x.json")
        #expect(try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "-o", relative]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("sub/x.json"))) == expected)
        let secret = directory.file("secret.json")
        try Data("old".utf8).write(to: URL(fileURLWithPath: secret))
        #expect(chmod(secret, 0o600) == 0)
        #expect(try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "-o", secret]).status == 0)
        #expect(stat(secret, &info) == 0 && info.st_mode & 0o777 == 0o600)

        // A loop of links is an error, and the links stay as they were.
        let loopA = directory.file("loop-a")
        let loopB = directory.file("loop-b")
        try FileManager.default.createSymbolicLink(atPath: loopA, withDestinationPath: loopB)
        try FileManager.default.createSymbolicLink(atPath: loopB, withDestinationPath: loopA)
        let loop = try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "-o", loopA])
        #expect(loop.status == 2)
        #expect(loop.stderr.contains("Too many levels of symbolic links"), "\(loop.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: loopA) == loopB)

        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aClosedStandardOutputNeverLandsInTheLog() throws {
        // With fd 1 closed, the log opened first would get number 1 and the metrics meant for stdout would be
        // written into it; the descriptors are pointed at /dev/null first, so the write fails and the log is intact.
        let directory = try TemporaryDirectory()
        let log = directory.file("closed.tklog")
        let binary = try #require(CLIProcess.tracekitPath)
        let run = try CLIProcess.run(
            "/bin/sh", ["-c", "exec 1>&-; exec \"$0\" demo --output \"$1\" --spans 500", binary, log])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("cannot write standard output: Bad file descriptor"), "\(run.stderr)")
        let verify = try CLIProcess.tracekit(["verify", log])
        #expect(verify.status == 0, "\(verify.text)")
        #expect(verify.text.contains("intact"))
    }

    @Test func aNonBlockingPipeThatFillsUpIsWaitedFor() throws {
        // Some parents (Node, CI runners) hand over a non-blocking pipe; a full one is not an error.
        let directory = try TemporaryDirectory()
        let log = directory.file("nonblocking.tklog")
        try LogFixture(traceCount: 2_000).write(to: log)
        let binary = try #require(CLIProcess.tracekitPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["replay", log]
        let pipe = Pipe()
        let writeEnd = pipe.fileHandleForWriting.fileDescriptor
        #expect(fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK) == 0)
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(500_000)  // the 64 KiB pipe fills while nobody reads
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: output, as: UTF8.self).split(separator: "\n").count == 6_000)
    }
}
