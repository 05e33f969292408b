// LatencySamples: span durations kept per name for a diff, capped per name by reservoir sampling.

import TraceKit
import TraceSync

/// Durations per span name, the input of a `LatencyDiffReport`, with memory capped per name.
///
/// Up to `capacityPerName` durations of a name are kept as they are. Beyond that, reservoir sampling
/// (Vitter's algorithm R) keeps a uniform random sample of `capacityPerName` of all the durations seen,
/// so memory is `capacityPerName × names × 8 bytes` (100,000 × 8 B = 800 KB per name by default). The
/// random source is seeded, so the same spans in the same order always give the same sample. Ranks,
/// medians and the test then describe the sample; `seenCount(named:)` tells how many there were.
///
/// ```swift
/// var before = LatencySamples()
/// for span in spansOfLastRelease { before.add(span) }
/// ```
public struct LatencySamples: Sendable {
    private struct Reservoir: Sendable {
        var samples: [UInt64] = []
        var seen: UInt64 = 0
    }

    /// The most durations kept per name.
    public let capacityPerName: Int
    private var reservoirs: [String: Reservoir] = [:]
    private var generator: SplitMix64

    /// Creates empty samples keeping at most `capacityPerName` (at least 1) durations per name.
    public init(capacityPerName: Int = 100_000, seed: UInt64 = 0x5EED_7ACE_C0DE_2026) {
        self.capacityPerName = max(1, capacityPerName)
        self.generator = SplitMix64(seed: seed)
    }

    /// Adds a span's duration under its name.
    public mutating func add(_ span: SpanRecord) {
        add(durationNanoseconds: span.durationNanoseconds, named: span.name)
    }

    /// Adds one duration under `name`.
    ///
    /// ```swift
    /// samples.add(durationNanoseconds: 1_250_000, named: "db.query")
    /// ```
    public mutating func add(durationNanoseconds: UInt64, named name: String) {
        var reservoir = reservoirs.removeValue(forKey: name) ?? Reservoir()
        reservoir.seen &+= 1
        if reservoir.samples.count < capacityPerName {
            reservoir.samples.append(durationNanoseconds)
        } else {
            let slot = UInt64.random(in: 0..<reservoir.seen, using: &generator)
            if slot < UInt64(capacityPerName) { reservoir.samples[Int(slot)] = durationNanoseconds }
        }
        reservoirs[name] = reservoir
    }

    /// The names seen, sorted.
    public var names: [String] { reservoirs.keys.sorted() }

    /// The kept durations of `name` (all of them, or a uniform sample once past the capacity).
    public func samples(named name: String) -> [UInt64] { reservoirs[name]?.samples ?? [] }

    /// How many durations of `name` were added, kept or not.
    public func seenCount(named name: String) -> UInt64 { reservoirs[name]?.seen ?? 0 }
}
