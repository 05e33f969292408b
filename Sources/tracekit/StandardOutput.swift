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
/// A reader that went away (`tracekit replay log | head`) ends the process quietly with status 0, as SIGPIPE
/// would for any Unix tool. Any other failure (a full disk, an I/O error) ends it with a message and status 2
/// (`ExitStatus.inputError`): output that was cut short must not look like success.
///
/// ```swift
/// StandardOutput.write("done\n")
/// ```
enum StandardOutput {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = posixWrite(1, base + offset, bytes.count - offset)
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EPIPE { exit(0) }
                StandardError.write("tracekit: error: cannot write standard output: \(SystemError.message(code))\n")
                exit(ExitStatus.inputError)
            }
            offset += written
        }
    }
}

/// `write(2)`, under a name the `write` methods of these types do not hide.
func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
    #elseif canImport(Musl)
        Musl.write(descriptor, buffer, count)
    #else
        Darwin.write(descriptor, buffer, count)
    #endif
}
