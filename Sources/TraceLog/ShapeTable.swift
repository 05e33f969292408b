// ShapeTable: the shapes of a block (name, flags, keys and types as string indexes), found without allocating.

/// The shapes of a block: signatures (name, flags, message and key/type pairs as string indexes) stored flat,
/// with an open-addressing index over a multiply-xorshift hash of the words (no allocation per lookup).
struct ShapeTable {
    private var words: [UInt64] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// 0 = empty, otherwise shape index + 1.
    private var slots = [Int32](repeating: 0, count: 256)

    var count: Int { hashes.count }

    /// The index of the shape with `signature`, adding it if new.
    mutating func index(of signature: [UInt64]) -> (index: Int, isNew: Bool) {
        var hash = UInt64(signature.count) &* 0x9E37_79B9_7F4A_7C15
        for word in signature {
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
        }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let shape = Int(slots[slot]) - 1
            if hashes[shape] == hash && words[starts[shape]..<starts[shape + 1]].elementsEqual(signature) {
                return (shape, false)
            }
            slot = (slot + 1) & mask
        }
        words.append(contentsOf: signature)
        starts.append(words.count)
        hashes.append(hash)
        slots[slot] = Int32(hashes.count)
        if hashes.count * 2 > slots.count { rebuild(capacity: slots.count * 2) }
        return (hashes.count - 1, true)
    }

    private mutating func rebuild(capacity: Int) {
        slots = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for (shape, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(shape + 1)
        }
    }

    mutating func removeAll() {
        words.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        starts.append(0)
        hashes.removeAll(keepingCapacity: true)
        for slot in slots.indices { slots[slot] = 0 }
    }
}
