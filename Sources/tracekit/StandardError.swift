// StandardError: writes to stderr (errors, warnings, the progress bar) and tells whether it is a terminal.

import Foundation

/// Writes to stderr, for errors, warnings and the progress bar.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether stderr is a terminal (then progress is drawn).
    static var isTerminal: Bool { isatty(2) == 1 }
}
