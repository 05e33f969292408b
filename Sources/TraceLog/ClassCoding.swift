// ClassCoding: a value as a class byte (its bit length and sign) plus the mantissa bits below its leading one.

/// Class coding of a 64-bit value: a class byte says how many significant bits it has (and its sign); the bits
/// below the leading one go to the bit stream. Small values cost one byte, and the class bytes, which repeat,
/// compress well apart from the mantissas, which do not.
enum ClassCoding {
    /// The class byte and mantissa of `value` read as an unsigned number: class = bit length.
    @inline(__always)
    static func unsigned(_ value: UInt64) -> (classByte: UInt8, mantissa: UInt64, mantissaBits: Int) {
        let length = 64 - value.leadingZeroBitCount
        return (UInt8(length), length >= 2 ? value & ~(1 << UInt64(length - 1)) : 0, max(0, length - 1))
    }

    /// The class byte and mantissa of `value` read as a signed number: class = 2 * bit length of |value| + sign.
    @inline(__always)
    static func signed(_ value: Int64) -> (classByte: UInt8, mantissa: UInt64, mantissaBits: Int) {
        let coded = unsigned(value.magnitude)
        return (coded.classByte * 2 + (value < 0 ? 1 : 0), coded.mantissa, coded.mantissaBits)
    }
}
