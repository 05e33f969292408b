// SpanColumns: the layout of a span columns record (format version 2): column ids, time classes, bit streams.

/// The column ids of a span columns record; `Docs/LogFormat.md` section 2.5 describes each column.
enum SpanColumn {
    static let flags = 0
    static let shape = 1
    static let spanID = 2
    static let traceID = 3
    static let parentID = 4
    /// How much earlier than its first child a parent started (signed class byte).
    static let leadClass = 5
    /// How much later than its last child a parent ended (signed class byte).
    static let trailClass = 6
    /// Start relative to the previous span's end (signed class byte).
    static let gapClass = 7
    /// Duration (unsigned class byte).
    static let durationClass = 8
    /// The mantissa bits of every class-coded value, LSB first.
    static let bits = 9
    /// Everything rare: doubles, arrays, events, limit counts.
    static let extra = 10
    static let fixedCount = 11
    /// Columns from here on belong to one attribute key: `16 + 2 * key` its string values, `17 + 2 * key` its
    /// integer values, where `key` is the key's index in the block's string table.
    static let firstKeyed: UInt64 = 16
    /// The most attribute slots (summed over the spans' shapes) one record may decode to. Bool values take no
    /// bytes, so without this a small record could expand into millions of attributes; the writer seals a
    /// block before it would pass this.
    static let maxAttributeSlotsPerRecord = 65_536

    /// Flag bits of a span (column `flags`, one byte per span).
    enum Flag {
        static let hasParent: UInt8 = 1 << 0
        static let spanIsCounter: UInt8 = 1 << 1
        static let traceIsCounter: UInt8 = 1 << 2
        static let parentIsCounter: UInt8 = 1 << 3
        /// Children of the span came earlier in the block: its times are coded against theirs.
        static let closesChildren: UInt8 = 1 << 4
        static let known: UInt8 = 0x1F
    }

    /// Bits of a shape's kind/status byte.
    enum ShapeFlag {
        static let kindMask: UInt8 = 0x07
        static let statusShift: UInt8 = 3
        static let statusMask: UInt8 = 0x18
        static let hasEvents: UInt8 = 1 << 5
        static let hasLimitCounts: UInt8 = 1 << 6
        static let known: UInt8 = 0x7F
    }
}

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

/// Reads bit fields least significant bit first; reading past the end throws.
struct BitReader {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    private var accumulator: UInt64 = 0
    private var available = 0

    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = min(end, bytes.count)
    }

    /// The next `count` bits (0...64) as a number.
    @inline(__always)
    mutating func read(bits count: Int) throws(PayloadError) -> UInt64 {
        if count > 32 {
            let low = try read(bits: 32)
            return low | (try read(bits: count - 32)) << 32
        }
        while available < count {
            guard position < end else { throw PayloadError(position: position, reason: "bit stream cut short") }
            accumulator |= UInt64(bytes[position]) << UInt64(available)
            position += 1
            available += 8
        }
        let value = accumulator & ((1 << UInt64(count)) &- 1)
        accumulator >>= UInt64(count)
        available -= count
        return value
    }
}

/// The children's extent `[start, end)` of parents still to come in a block, by the parent's 64-bit span id:
/// open addressing with linear probing and backward-shift deletion. The encoder and the decoder keep the same
/// table; one lookup and one update per span, so it avoids `Dictionary`'s SipHash.
struct ChildExtents {
    private var keys: [UInt64]
    private var starts: [UInt64]
    private var ends: [UInt64]
    private var occupied: [Bool]
    private var mask: Int
    /// Mixed into every key, so ids chosen by an attacker cannot aim at one slot.
    private let seed = UInt64.random(in: .min ... .max)
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        starts = keys
        ends = keys
        occupied = [Bool](repeating: false, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        var z = (key ^ seed) &* 0x9E37_79B9_7F4A_7C15
        z ^= z >> 32
        return Int(truncatingIfNeeded: z) & mask
    }

    /// Removes and returns the extent of `parent`'s children.
    mutating func remove(_ parent: UInt64) -> (start: UInt64, end: UInt64)? {
        var slot = home(parent)
        while occupied[slot] {
            if keys[slot] == parent {
                let found = (starts[slot], ends[slot])
                deleteSlot(slot)
                return found
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Widens the extent of `parent`'s children to include `[start, end)`.
    mutating func widen(_ parent: UInt64, start: UInt64, end: UInt64) {
        var slot = home(parent)
        while occupied[slot] {
            if keys[slot] == parent {
                starts[slot] = min(starts[slot], start)
                ends[slot] = max(ends[slot], end)
                return
            }
            slot = (slot + 1) & mask
        }
        occupied[slot] = true
        keys[slot] = parent
        starts[slot] = start
        ends[slot] = end
        count += 1
        if count * 2 > keys.count { grow() }
    }

    private mutating func deleteSlot(_ removed: Int) {
        var hole = removed
        occupied[hole] = false
        count -= 1
        var slot = (hole + 1) & mask
        while occupied[slot] {
            let wanted = home(keys[slot])
            if (hole - wanted) & mask <= (slot - wanted) & mask {
                keys[hole] = keys[slot]
                starts[hole] = starts[slot]
                ends[hole] = ends[slot]
                occupied[hole] = true
                occupied[slot] = false
                hole = slot
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = (keys, starts, ends, occupied)
        self = ChildExtents(capacity: keys.count)
        for index in old.0.indices where old.3[index] { widen(old.0[index], start: old.1[index], end: old.2[index]) }
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for index in occupied.indices { occupied[index] = false }
        count = 0
    }
}
