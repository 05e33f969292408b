// Double arithmetic on an atomic 64-bit bit pattern, for floating counters, gauges and histogram sums.

import Synchronization

extension Atomic where Value == UInt64 {
    /// Adds `amount` to the Double stored as bits, with a relaxed compare-and-swap loop.
    @inline(__always)
    func addDouble(_ amount: Double) {
        var old = load(ordering: .relaxed)
        while true {
            let new = (Double(bitPattern: old) + amount).bitPattern
            let (exchanged, original) = weakCompareExchange(expected: old, desired: new, ordering: .relaxed)
            if exchanged { return }
            old = original
        }
    }

    @inline(__always)
    func loadDouble() -> Double {
        Double(bitPattern: load(ordering: .relaxed))
    }

    @inline(__always)
    func storeDouble(_ value: Double) {
        store(value.bitPattern, ordering: .relaxed)
    }
}
