// SeriesCacheBudget: bounds the series handles the analyzer caches across all plans.

import Synchronization

/// Counts the series handles cached across all plans, so the caches stay bounded by a budget rather than
/// growing with the number of distinct label values seen.
final class SeriesCacheBudget: Sendable {
    private let cached = Atomic<Int>(0)
    private let resets = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes one entry; `false` when the budget is spent (the caller then does not cache).
    func take() -> Bool {
        cached.wrappingAdd(1, ordering: .relaxed).newValue <= limit
    }

    var isSpent: Bool { cached.load(ordering: .relaxed) > limit }

    /// Starts a new budget; holders of plans from before should drop them (see `epoch`).
    func reset() {
        cached.store(0, ordering: .relaxed)
        resets.wrappingAdd(1, ordering: .relaxed)
    }

    /// How many times the budget was reset: a plan cache made in an older epoch is dropped.
    var epoch: Int { resets.load(ordering: .relaxed) }
}
