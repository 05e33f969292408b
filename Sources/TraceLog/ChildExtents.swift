// ChildExtents: per parent span id, the extent of its children seen so far in a block.

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
