// ProbingTable: a small open-addressing hash map for the analyzer's per-span lookups, with a cheap seeded hash.

/// A key with a cheap 64-bit hash. The table mixes it with a per-table random seed, so ids chosen by an
/// attacker (a crafted log, a remote parent) cannot aim at one slot.
protocol ProbingKey: Equatable {
    func probingHash(seed: UInt64) -> UInt64
}

/// An open-addressing hash map with linear probing and backward-shift deletion (no tombstones). On the
/// analyzer's hot path it costs a fraction of `Dictionary`'s SipHash for keys that are already well mixed
/// (span ids) or short (span names).
struct ProbingTable<Key: ProbingKey, Value> {
    private var slots: [(key: Key, value: Value)?]
    private var mask: Int
    private let seed = UInt64.random(in: .min ... .max)
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = Array(repeating: nil, count: capacity)
        mask = capacity - 1
    }

    private func home(of key: Key) -> Int {
        Int(truncatingIfNeeded: SplitMix64.mix(key.probingHash(seed: seed))) & mask
    }

    private func slot(of key: Key) -> Int? {
        var index = home(of: key)
        while let entry = slots[index] {
            if entry.key == key { return index }
            index = (index + 1) & mask
        }
        return nil
    }

    subscript(key: Key) -> Value? {
        guard let index = slot(of: key) else { return nil }
        return slots[index]?.value
    }

    /// Changes the value stored under `key` in place; returns `false` when there is none.
    mutating func modify(_ key: Key, _ change: (inout Value) -> Void) -> Bool {
        guard let index = slot(of: key) else { return false }
        // Take the entry out so `change` mutates a uniquely referenced value (no copy of its arrays).
        guard var entry = slots[index].take() else { return false }
        change(&entry.value)
        slots[index] = entry
        return true
    }

    /// Stores `value` under `key`, replacing an existing value.
    mutating func insert(_ value: Value, for key: Key) {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        var index = home(of: key)
        while let entry = slots[index] {
            if entry.key == key {
                slots[index] = (key, value)
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = (key, value)
        count += 1
    }

    /// Removes and returns the value under `key`.
    mutating func removeValue(for key: Key) -> Value? {
        guard var hole = slot(of: key) else { return nil }
        let removed = slots[hole].take()?.value
        count -= 1
        // Backward-shift: move later entries of the probe run into the hole if that brings them closer home.
        var index = (hole + 1) & mask
        while let entry = slots[index] {
            let entryHome = home(of: entry.key)
            let distanceToHole = (hole - entryHome) & mask
            let distanceToHere = (index - entryHome) & mask
            if distanceToHole <= distanceToHere {
                slots[hole] = slots[index].take()
                hole = index
            }
            index = (index + 1) & mask
        }
        return removed
    }

    /// Calls `body` with every value, in no particular order.
    func forEach(_ body: (Value) -> Void) {
        for case let entry? in slots { body(entry.value) }
    }

    mutating func removeAll() {
        for index in slots.indices { slots[index] = nil }
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: nil, count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for case let entry? in old { insert(entry.value, for: entry.key) }
    }
}

extension String {
    /// A fast seeded hash of the UTF-8 bytes (eight at a time); for table lookups, not for security.
    func probingHash(seed: UInt64) -> UInt64 {
        var copy = self
        return copy.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var hash = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
            var index = 0
            while index + 8 <= bytes.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
                hash ^= hash >> 29
                index += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            return (hash ^ tail) &* 0x94D0_49BB_1331_11EB
        }
    }
}

extension ProbingTable: Sendable where Key: Sendable, Value: Sendable {}
