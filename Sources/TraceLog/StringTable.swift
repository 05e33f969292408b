// StringTable: a block's interned strings, with an index that hashes bytes cheaply instead of with SipHash.

import TraceSync

/// The strings of one block in first-use order, and a lookup from string to its index.
///
/// Interning runs for every name, key and string value the writer encodes, so it uses a small open-addressing
/// table with a cheap hash of the UTF-8 bytes (`StringHash`): flooding resistance does not matter here (the
/// table is rebuilt for every block and bounded by the block size), speed does.
struct StringTable {
    private(set) var strings: [String] = []
    private var hashes: [UInt32] = []
    /// Open addressing: 0 = empty, otherwise index + 1 into `strings`.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)

    var count: Int { strings.count }

    /// The index of `string`, adding it if it is new; `isNew` says which.
    mutating func index(of string: String) -> (index: Int, isNew: Bool) {
        let hash = Self.hash(string)
        let mask = slots.count - 1
        var slot = Int(hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if hashes[entry - 1] == hash && strings[entry - 1] == string { return (entry - 1, false) }
            slot = (slot + 1) & mask
        }
        strings.append(string)
        hashes.append(hash)
        slots[slot] = Int32(strings.count)
        if strings.count * 2 > slots.count { rebuild(capacity: slots.count * 2) }
        return (strings.count - 1, true)
    }

    /// Forgets the strings from `count` on (a record that did not fit).
    mutating func truncate(to count: Int) {
        guard count < strings.count else { return }
        strings.removeSubrange(count...)
        hashes.removeSubrange(count...)
        rebuild(capacity: slots.count)
    }

    mutating func removeAll() {
        strings.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        for index in slots.indices { slots[index] = 0 }
    }

    private mutating func rebuild(capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        let mask = capacity - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }

    /// A fast hash of the UTF-8 bytes (`StringHash`); for the table, not for security.
    static func hash(_ string: String) -> UInt32 {
        let hash = StringHash.mix(string, into: 0x9E37_79B9_7F4A_7C15)
        return UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
    }
}
