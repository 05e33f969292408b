// ChildExtents: per parent span id, the extent of its children seen so far in a block.

/// The children's extent `[start, end)` of parents still to come in a block, by the parent's 64-bit span id:
/// open addressing with linear probing and backward-shift deletion. The encoder and the decoder keep the same
/// table; one lookup and one update per span, so it avoids `Dictionary`'s SipHash.
struct ChildExtents {
    private struct Entry {
        var parent: UInt64 = 0
        var start: UInt64 = 0
        var end: UInt64 = 0
        var occupied = false
    }

    private var entries: [Entry]
    private var mask: Int
    /// Mixed into every key, so ids chosen by an attacker cannot aim at one slot.
    private let seed = UInt64.random(in: .min ... .max)
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = [Entry](repeating: Entry(), count: size)
        mask = size - 1
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        var z = (key ^ seed) &* 0x9E37_79B9_7F4A_7C15
        z ^= z >> 32
        return Int(truncatingIfNeeded: z) & mask
    }

    /// Removes and returns the extent of `parent`'s children.
    @inline(__always)
    mutating func remove(_ parent: UInt64) -> (start: UInt64, end: UInt64)? {
        var slot = home(parent)
        while entries[slot].occupied {
            if entries[slot].parent == parent {
                let found = (entries[slot].start, entries[slot].end)
                deleteSlot(slot)
                return found
            }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Widens the extent of `parent`'s children to include `[start, end)`.
    @inline(__always)
    mutating func widen(_ parent: UInt64, start: UInt64, end: UInt64) {
        var slot = home(parent)
        while entries[slot].occupied {
            if entries[slot].parent == parent {
                entries[slot].start = min(entries[slot].start, start)
                entries[slot].end = max(entries[slot].end, end)
                return
            }
            slot = (slot + 1) & mask
        }
        entries[slot] = Entry(parent: parent, start: start, end: end, occupied: true)
        count += 1
        if count * 2 > entries.count { grow() }
    }

    private mutating func deleteSlot(_ removed: Int) {
        var hole = removed
        entries[hole].occupied = false
        count -= 1
        var slot = (hole + 1) & mask
        while entries[slot].occupied {
            let wanted = home(entries[slot].parent)
            if (hole - wanted) & mask <= (slot - wanted) & mask {
                entries[hole] = entries[slot]
                entries[slot].occupied = false
                hole = slot
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = entries
        self = ChildExtents(capacity: entries.count)
        for entry in old where entry.occupied { widen(entry.parent, start: entry.start, end: entry.end) }
    }

    mutating func removeAll() {
        guard count > 0 else { return }
        for index in entries.indices { entries[index].occupied = false }
        count = 0
    }
}
