// StandardOutput: a command's results on stdout, written with every failure noticed (a full disk is an error).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to file descriptor 1 directly, so nothing sits unseen in a stdio buffer and every failure is seen.
///
/// A reader that went away (`tracekit replay log | head`) ends the process through SIGPIPE, as for any Unix tool
/// (status 141 in a shell; where SIGPIPE is ignored, the write fails with `EPIPE` and the process exits 0
/// quietly). Any other failure (a full disk, an I/O error) ends it with a message and status 2
/// (`ExitStatus.inputError`): output that was cut short must not look like success.
///
/// ```swift
/// StandardOutput.write("done\n")
/// ```
enum StandardOutput {
    static func write(_ text: String) {
        if let code = PosixWrite.all(text, to: 1) { fail(code) }
    }

    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer) {
        if let code = PosixWrite.all(bytes, to: 1) { fail(code) }
    }

    /// Writes `text` and carries on whatever happens: for a notice such as `serve`'s listening line, whose loss
    /// must not stop a server.
    static func writeIfPossible(_ text: String) {
        _ = PosixWrite.all(text, to: 1)
    }

    private static func fail(_ code: Int32) -> Never {
        if code == EPIPE { exit(0) }
        StandardError.write("tracekit: error: cannot write standard output: \(SystemError.message(code))\n")
        exit(ExitStatus.inputError)
    }
}
