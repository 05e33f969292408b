// ProgressBar: a one-line progress bar on stderr while a long replay runs, drawn only on a terminal.

import Foundation

/// Draws `[#####.....]  45%  12.3 MB / 27.0 MB` on stderr, at most ten times a second.
///
/// In `auto` mode nothing is drawn when stderr is not a terminal (piped output stays clean) or the input is
/// small (under `minimumBytes`), so short commands never flicker.
final class ProgressBar {
    private let totalBytes: Int64
    /// Put before the bar, for example "pass 1/2 " when a command reads its input twice.
    private let label: String
    private let enabled: Bool
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false
    static let minimumBytes: Int64 = 4 << 20

    init(totalBytes: Int64, mode: ProgressMode, label: String = "", isTerminal: Bool = StandardError.isTerminal) {
        self.totalBytes = totalBytes
        self.label = label
        switch mode {
        case .auto: enabled = isTerminal && totalBytes >= Self.minimumBytes
        case .always: enabled = true
        case .never: enabled = false
        }
    }

    /// Redraws the bar for `doneBytes` when a tenth of a second has passed since the last drawing.
    func update(doneBytes: Int64) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        drawn = true
        StandardError.write("\r" + label + Self.line(doneBytes: doneBytes, totalBytes: totalBytes))
    }

    /// Draws the finished bar once if it was never drawn (`always` on a small input), then clears its line.
    func finish() {
        guard enabled else { return }
        if !drawn { StandardError.write("\r" + label + Self.line(doneBytes: totalBytes, totalBytes: totalBytes)) }
        StandardError.write("\r\u{1B}[K")
    }

    /// The bar's text for `doneBytes` of `totalBytes`.
    static func line(doneBytes: Int64, totalBytes: Int64, width: Int = 30) -> String {
        let fraction = totalBytes > 0 ? min(1, max(0, Double(doneBytes) / Double(totalBytes))) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = Int((fraction * 100).rounded(.down))
        return "[\(bar)] \(percent)%  \(megabytes(doneBytes)) / \(megabytes(totalBytes))"
    }

    private static func megabytes(_ bytes: Int64) -> String {
        let tenths = Int64((Double(bytes) / 100_000).rounded())
        return "\(tenths / 10).\(tenths % 10) MB"
    }
}
