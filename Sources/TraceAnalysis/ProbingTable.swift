// ProbingTable: a small open-addressing hash map for the analyzer's per-span lookups, with a cheap seeded hash.

import TraceSync

/// A key with a cheap 64-bit hash. The table mixes it with a per-table random seed, so ids chosen by an
/// attacker (a crafted log, a remote parent) cannot aim at one slot.
protocol ProbingKey: Equatable {
    func probingHash(seed: UInt64) -> UInt64
}

/// An open-addressing hash map with linear probing and backward-shift deletion (no tombstones). On the
/// analyzer's hot path it costs a fraction of `Dictionary`'s SipHash for keys that are already well mixed
/// (span ids) or short (span names).
struct ProbingTable<Key: ProbingKey, Value> {
    // Keys and values in separate arrays, read in place: probing compares keys without copying (retaining) them.
    private var keys: [Key?]
    private var values: [Value?]
    private var mask: Int
    private let seed = UInt64.random(in: .min ... .max)
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        keys = Array(repeating: nil, count: capacity)
        values = Array(repeating: nil, count: capacity)
        mask = capacity - 1
    }

    @inline(__always)
    private func home(of key: Key) -> Int {
        Int(truncatingIfNeeded: SplitMix64.mix(key.probingHash(seed: seed))) & mask
    }

    @inline(__always)
    private func slot(of key: Key) -> Int? {
        var index = home(of: key)
        while true {
            switch keys[index] {
            case .none: return nil
            case .some(let candidate) where candidate == key: return index
            case .some: index = (index + 1) & mask
            }
        }
    }

    subscript(key: Key) -> Value? {
        guard let index = slot(of: key) else { return nil }
        return values[index]
    }

    /// Changes the value stored under `key` in place; returns `false` when there is none.
    mutating func modify(_ key: Key, _ change: (inout Value) -> Void) -> Bool {
        guard let index = slot(of: key) else { return false }
        // Take the value out so `change` mutates a uniquely referenced value (no copy of its arrays).
        guard var value = values[index].take() else { return false }
        change(&value)
        values[index] = value
        return true
    }

    /// Stores `value` under `key`, replacing an existing value.
    mutating func insert(_ value: Value, for key: Key) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        var index = home(of: key)
        while let candidate = keys[index] {
            if candidate == key {
                values[index] = value
                return
            }
            index = (index + 1) & mask
        }
        keys[index] = key
        values[index] = value
        count += 1
    }

    /// Removes and returns the value under `key`.
    mutating func removeValue(for key: Key) -> Value? {
        guard var hole = slot(of: key) else { return nil }
        keys[hole] = nil
        let removed = values[hole].take()
        count -= 1
        // Backward-shift: move later entries of the probe run into the hole if that brings them closer home.
        var index = (hole + 1) & mask
        while let candidate = keys[index] {
            let candidateHome = home(of: candidate)
            if (hole - candidateHome) & mask <= (index - candidateHome) & mask {
                keys[hole] = keys[index].take()
                values[hole] = values[index].take()
                hole = index
            }
            index = (index + 1) & mask
        }
        return removed
    }

    /// Calls `body` with every value, in no particular order.
    func forEach(_ body: (Value) -> Void) {
        for case let value? in values { body(value) }
    }

    /// Calls `body` with every key, in no particular order.
    func forEachKey(_ body: (Key) -> Void) {
        for case let key? in keys { body(key) }
    }

    mutating func removeAll() {
        for index in keys.indices {
            keys[index] = nil
            values[index] = nil
        }
        count = 0
    }

    /// Gives room back once the table has emptied out: rebuilt at a quarter of its size when it is larger than
    /// 1,024 slots and less than an eighth full, so walking it (`forEach`, `forEachKey`) costs about what it holds.
    mutating func shrinkIfSparse() {
        guard keys.count > 1_024, count * 8 < keys.count else { return }
        rebuild(capacity: keys.count / 4)
    }

    private mutating func grow() {
        rebuild(capacity: keys.count * 2)
    }

    private mutating func rebuild(capacity: Int) {
        let oldKeys = keys
        let oldValues = values
        keys = Array(repeating: nil, count: capacity)
        values = Array(repeating: nil, count: capacity)
        mask = keys.count - 1
        count = 0
        for index in oldKeys.indices {
            if let key = oldKeys[index], let value = oldValues[index] { insert(value, for: key) }
        }
    }
}

extension String {
    /// A fast seeded hash of the UTF-8 bytes (`StringHash`); for table lookups, not for security.
    func probingHash(seed: UInt64) -> UInt64 {
        StringHash.mix(self, into: seed)
    }
}

extension ProbingTable: Sendable where Key: Sendable, Value: Sendable {}
