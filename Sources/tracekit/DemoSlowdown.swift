// DemoSlowdown: `tracekit demo --slow NAME=FACTOR`, a planted slowdown of one span name's simulated work.

import ArgumentParser

/// Makes the simulated work inside spans of one name take `factor` times as long, so a `tracekit diff` of two
/// demo runs has a known regression to find (Scripts/diff-false-alarms.py plants `llm_call=1.1`).
struct DemoSlowdown: ExpressibleByArgument, Sendable {
    /// The span whose work is stretched: one of `DemoWorkload.simulatedWorkNames`.
    let name: String
    /// How much longer the work takes: 1.1 is 10% slower.
    let factor: Double

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let factor = Double(parts[1]), factor.isFinite, factor > 0, factor <= 100,
            DemoWorkload.simulatedWorkNames.contains(String(parts[0]))
        else { return nil }
        self.name = String(parts[0])
        self.factor = factor
    }

    static var defaultCompletionKind: CompletionKind { .list(DemoWorkload.simulatedWorkNames.map { "\($0)=1.1" }) }

    /// The duration `work` of span `spanName` takes under this slowdown.
    func stretch(_ work: Duration, of spanName: String) -> Duration {
        spanName == name ? work * factor : work
    }
}
