// SpanKeyHash: a seeded hash of a (trace id, span id) key that ids chosen by a log's writer cannot aim.

import TraceKit
import TraceSync

/// A hash of a span key (trace id and span id) under a secret seed, for the open-addressing tables that link
/// children to parents. Each word is folded in with a full 64 x 64 -> 128-bit multiply by a seeded value, so
/// whoever writes a log cannot pick ids that share a slot without knowing the seed (an xor of the words could be
/// aimed: any ids with equal `spanID ^ traceLow` would collide, whatever the seed).
///
/// ```swift
/// let hash = SpanKeyHash(seed: .random(in: .min ... .max))
/// let slot = Int(truncatingIfNeeded: hash(traceID, spanID.rawValue)) & mask
/// ```
struct SpanKeyHash: Sendable {
    private let first: UInt64
    private let second: UInt64
    private let third: UInt64

    init(seed: UInt64) {
        first = SplitMix64.mix(seed)
        second = SplitMix64.mix(first)
        third = SplitMix64.mix(second) | 1
    }

    @inline(__always)
    func callAsFunction(_ traceID: TraceID, _ spanID: UInt64) -> UInt64 {
        let inner = Self.fold(spanID ^ first, traceID.low ^ second)
        return Self.fold(inner ^ traceID.high, third)
    }

    /// The same kind of hash with constants derived cheaply from `seed`, for tables that pass their seed per
    /// lookup (`ProbingKey.probingHash(seed:)`).
    @inline(__always)
    static func hash(_ traceID: TraceID, _ spanID: UInt64, seed: UInt64) -> UInt64 {
        let inner = fold(spanID ^ seed, traceID.low ^ (seed &* 0x9E37_79B9_7F4A_7C15))
        return fold(inner ^ traceID.high, (seed ^ 0xD6E8_FEB8_6659_FD93) | 1)
    }

    /// The two halves of the 128-bit product, xored (the "mum" step of wyhash).
    @inline(__always)
    private static func fold(_ one: UInt64, _ other: UInt64) -> UInt64 {
        let product = one.multipliedFullWidth(by: other)
        return product.high ^ product.low
    }
}
