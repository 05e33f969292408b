// BitWriter: packs bit fields least significant bit first, for the mantissa bits of a span columns record.

/// Appends bit fields least significant bit first.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var accumulator: UInt64 = 0
    /// Bits held in `accumulator`, always below 64.
    private var pending = 0

    /// The size of the stream once finished (partial last byte included).
    var byteCount: Int { bytes.count + (pending + 7) / 8 }

    /// Appends the low `count` bits of `value` (the other bits must be zero).
    @inline(__always)
    mutating func write(_ value: UInt64, bits count: Int) {
        guard count > 0 else { return }
        accumulator |= value << UInt64(pending)
        if pending + count >= 64 {
            for shift in stride(from: 0, to: 64, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(shift)))
            }
            let used = 64 - pending
            accumulator = value >> UInt64(used)
            pending = pending + count - 64
        } else {
            pending += count
        }
    }

    /// All bits written, the last byte padded with zeros.
    func finished() -> [UInt8] {
        var copy = bytes
        var rest = accumulator
        var left = pending
        while left > 0 {
            copy.append(UInt8(truncatingIfNeeded: rest))
            rest >>= 8
            left -= 8
        }
        return copy
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        accumulator = 0
        pending = 0
    }
}
