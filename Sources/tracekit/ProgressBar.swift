// ProgressBar: a one-line progress bar on stderr while a long replay or demo runs, drawn only on a terminal.

import Foundation

/// Draws `[#####.....]  45%  12.3 MB / 27.0 MB` (or `... 90000 / 200000 spans`) on stderr, at most ten times a
/// second; with an unknown total (a stream), `12.3 MB read`.
///
/// In `auto` mode nothing is drawn when stderr is not a terminal (piped output stays clean) or the work is small
/// (under `minimum`: 4 MB, or 10,000 spans), so short commands never flicker.
final class ProgressBar {
    /// What the bar counts.
    enum Unit {
        case bytes
        case spans

        /// The least work `auto` mode draws a bar for.
        var minimum: Int64 {
            switch self {
            case .bytes: return 4 << 20
            case .spans: return 10_000
            }
        }
    }

    private let total: Int64?
    private let unit: Unit
    /// Put before the bar, for example "pass 1/2 " when a command reads its input twice.
    private let label: String
    private let enabled: Bool
    /// In `auto` mode with an unknown total: the bar waits until this much work is done.
    private let drawFrom: Int64
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false
    private var lastDone: Int64 = 0

    /// A bar for `total` units of work (`nil`: unknown, as for a stream).
    init(
        total: Int64?, unit: Unit = .bytes, mode: ProgressMode, label: String = "",
        isTerminal: Bool = StandardError.isTerminal
    ) {
        self.total = total
        self.unit = unit
        self.label = label
        switch mode {
        case .auto: enabled = isTerminal && (total.map { $0 >= unit.minimum } ?? true)
        case .always: enabled = true
        case .never: enabled = false
        }
        drawFrom = mode == .auto && total == nil ? unit.minimum : 0
    }

    /// Redraws the bar for `done` units when a tenth of a second has passed since the last drawing.
    func update(done: Int64) {
        guard enabled else { return }
        lastDone = done
        guard done >= drawFrom else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        drawn = true
        StandardError.write("\r" + label + Self.line(done: done, total: total, unit: unit))
    }

    /// Draws the finished bar once if it was never drawn (`always` on a small input), then clears its line.
    func finish() {
        guard enabled, drawn || drawFrom == 0 else { return }
        if !drawn {
            StandardError.write("\r" + label + Self.line(done: total ?? lastDone, total: total, unit: unit))
        }
        StandardError.write("\r\u{1B}[K")
    }

    /// The bar's text for `done` of `total` units (`nil`: unknown).
    static func line(done: Int64, total: Int64?, unit: Unit = .bytes, width: Int = 30) -> String {
        guard let total else { return "\(amount(done, unit)) read" }
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = Int((fraction * 100).rounded(.down))
        switch unit {
        case .bytes: return "[\(bar)] \(percent)%  \(amount(done, unit)) / \(amount(total, unit))"
        case .spans: return "[\(bar)] \(percent)%  \(done) / \(total) spans"
        }
    }

    private static func amount(_ count: Int64, _ unit: Unit) -> String {
        switch unit {
        case .bytes:
            let tenths = Int64((Double(count) / 100_000).rounded())
            return "\(tenths / 10).\(tenths % 10) MB"
        case .spans:
            return "\(count) spans"
        }
    }
}
