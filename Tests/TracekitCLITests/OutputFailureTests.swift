// OutputFailureTests: a full disk or an odd destination gets a clear error, and never a lost or replaced file.

import Foundation
import Testing

@Suite struct OutputFailureTests {
    /// Every command that prints results: with stdout on a full device each says so and exits 2, where before
    /// most exited 0 with their output lost (and `export` crashed).
    @Test(arguments: [
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

    @Test func anErrorWithNowhereToReportItStillExitsTwo() throws {
        // Foundation's FileHandle.write crashed the process when stderr could not take the message.
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try CLIProcess.tracekit(["stats", "/nonexistent/missing.tklog"], standardError: full)
        #expect(result.status == 2)
    }

    @Test func anOutputFileIsReplacedWholeAndLinksAndDevicesAreWrittenThrough() throws {
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

        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".tmp")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
