// DurationArgument: a command-line duration such as "5us", "0.5ms", "2s" or "0", read as nanoseconds.

import ArgumentParser
import TraceAnalysis

/// A non-negative duration given on the command line: a number and a unit (`ns`, `us` or `µs`, `ms`, `s`);
/// a bare `0` is allowed.
struct DurationArgument: ExpressibleByArgument, Sendable {
    /// The duration in nanoseconds. Units are matched longest first, so "5ms" is milliseconds, not "5m" seconds.
    let nanoseconds: Double

    init(nanoseconds: Double) { self.nanoseconds = nanoseconds }

    init?(argument: String) {
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ]
        let text = argument
        if text == "0" {
            nanoseconds = 0
            return
        }
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }),
            let number = Double(text.dropLast(unit.suffix.count)), number.isFinite, number >= 0
        else { return nil }
        nanoseconds = number * unit.nanoseconds
    }

    var defaultValueDescription: String { DurationText.format(nanoseconds: nanoseconds) }
}
