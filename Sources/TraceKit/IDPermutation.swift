// IDPermutation: a keyed bijection on 64-bit values, so ids look random but are a counter underneath.

/// A keyed, invertible mixing of 64-bit values (the SplitMix64 finalizer applied to `value ^ key`).
///
/// TraceKit makes span and trace ids by permuting a counter: the ids are unique within a recorder, look
/// random to everything downstream (W3C ratio sampling reads their low bits), and a log writer that knows
/// the key can store the small counter instead of 64 random bits.
///
/// ```swift
/// let permutation = IDPermutation(key: 0x1234)
/// let id = permutation.apply(7)
/// assert(permutation.invert(id) == 7)
/// ```
public struct IDPermutation: Hashable, Sendable {
    /// The key mixed into every value.
    public let key: UInt64

    @usableFromInline static let multiplier1: UInt64 = 0xBF58_476D_1CE4_E5B9
    @usableFromInline static let multiplier2: UInt64 = 0x94D0_49BB_1331_11EB

    /// Creates the permutation for `key`.
    public init(key: UInt64) { self.key = key }

    /// Maps `value` to its permuted id.
    @inlinable
    public func apply(_ value: UInt64) -> UInt64 {
        var z = value ^ key
        z = (z ^ (z >> 30)) &* Self.multiplier1
        z = (z ^ (z >> 27)) &* Self.multiplier2
        return z ^ (z >> 31)
    }

    /// Recovers the value that `apply` mapped to `id`.
    public func invert(_ id: UInt64) -> UInt64 {
        var z = Self.undoXorShift(id, 31)
        z = z &* Self.inverse(of: Self.multiplier2)
        z = Self.undoXorShift(z, 27)
        z = z &* Self.inverse(of: Self.multiplier1)
        z = Self.undoXorShift(z, 30)
        return z ^ key
    }

    /// Inverts `x ^ (x >> shift)`.
    static func undoXorShift(_ y: UInt64, _ shift: UInt64) -> UInt64 {
        var x = y
        var covered = shift
        while covered < 64 {
            x = y ^ (x >> shift)
            covered += shift
        }
        return y ^ (x >> shift)
    }

    /// The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration).
    static func inverse(of odd: UInt64) -> UInt64 {
        var inverse = odd
        for _ in 0..<5 { inverse = inverse &* (2 &- odd &* inverse) }
        return inverse
    }
}
