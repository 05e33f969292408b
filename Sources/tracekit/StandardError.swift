// StandardError: writes to stderr (errors, warnings, the progress bar) and tells whether it is a terminal.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to stderr, for errors, warnings and the progress bar.
enum StandardError {
    /// Writes `text` to file descriptor 2. A failure is ignored: there is nowhere left to report it, and the exit
    /// status still tells (Foundation's `FileHandle.write` would crash the process instead).
    static func write(_ text: String) {
        _ = PosixWrite.all(text, to: 2)
    }

    /// Whether stderr is a terminal (then progress is drawn).
    static var isTerminal: Bool { isatty(2) == 1 }
}
