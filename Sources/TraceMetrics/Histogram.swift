// A histogram series: per-bucket atomic counts and an atomic sum, so observing takes no lock.

import Synchronization
import TraceSync

/// One series of a histogram: counts of observations per bucket, their sum and count.
///
/// Observing is a bucket search, one relaxed atomic add on that bucket and a compare-and-swap on the sum;
/// no lock is taken, so many threads can observe into one series at once. Readers may see the sum and the
/// counts a few in-flight observations apart, as with other lock-free clients.
///
/// ```swift
/// let latency = try registry.histogram("rpc_duration_seconds", help: "RPC latency.", unit: "seconds")
/// latency.observe(0.042)
/// ```
// @unchecked Sendable: `counts`, `exemplarFloors` and `bounds` are allocated and filled once in init and never
// reassigned; `counts` and `exemplarFloors` are only touched through their atomics, `bounds` only read; all are
// freed in deinit, when no other reference can exist. Every other stored property is Sendable.
public final class Histogram: @unchecked Sendable {
    /// Finite upper bounds, strictly increasing; the `+Inf` bucket is implicit.
    public let upperBounds: [Double]
    let boundCount: Int
    /// `bounds` holds the finite bounds then +Inf up to this power of two.
    package let paddedCount: Int
    let bounds: UnsafeMutablePointer<Double>
    /// Per finite bound, the fewest whole nanoseconds that lie above it as seconds (`Double(n) / 1e9 > bound`),
    /// then `UInt64.max` up to `paddedCount`: `bucketIndex(nanoseconds:)` compares durations with these.
    package let nanosecondCeilings: UnsafeMutablePointer<UInt64>
    /// Non-cumulative counts, one per finite bound plus one for `+Inf`.
    let counts: UnsafeMutablePointer<Atomic<Int>>
    let sumBits = Atomic<UInt64>(0)
    /// The part of the sum observed as whole nanoseconds, kept exactly: integer addition does not depend on the
    /// order observations arrive in, so the same durations give the same text whoever observed them.
    let sumNanoseconds = Atomic<UInt64>(0)
    let exemplars: Locked<[RecordedExemplar?]>
    /// Per bucket, the nanoseconds of the exemplar kept by `observe(nanoseconds:exemplar:)`: an observation below
    /// it (in seconds) cannot replace the exemplar, so it skips the lock. It only goes down within the same seconds
    /// (a tie won by smaller labels), so a stale read costs a lock, no more.
    let exemplarFloors: UnsafeMutablePointer<Atomic<UInt64>>

    init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        boundCount = upperBounds.count
        // Pad the bounds with +Inf to a power of two above the count, so the search has a fixed number of steps.
        var padded = 1
        while padded < upperBounds.count + 1 { padded <<= 1 }
        paddedCount = padded
        bounds = UnsafeMutablePointer<Double>.allocate(capacity: padded)
        bounds.initialize(from: upperBounds, count: upperBounds.count)
        (bounds + upperBounds.count).initialize(repeating: .infinity, count: padded - upperBounds.count)
        nanosecondCeilings = UnsafeMutablePointer<UInt64>.allocate(capacity: padded)
        nanosecondCeilings.initialize(repeating: .max, count: padded)
        for (index, bound) in upperBounds.enumerated() { nanosecondCeilings[index] = Self.nanosecondCeiling(bound) }
        counts = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: upperBounds.count + 1)
        for index in 0...upperBounds.count {
            (counts + index).initialize(to: Atomic<Int>(0))
        }
        exemplars = Locked(Array(repeating: nil, count: upperBounds.count + 1))
        exemplarFloors = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: upperBounds.count + 1)
        for index in 0...upperBounds.count {
            (exemplarFloors + index).initialize(to: Atomic<UInt64>(0))
        }
    }

    deinit {
        counts.deinitialize(count: boundCount + 1)
        counts.deallocate()
        exemplarFloors.deinitialize(count: boundCount + 1)
        exemplarFloors.deallocate()
        bounds.deinitialize(count: paddedCount)
        bounds.deallocate()
        nanosecondCeilings.deinitialize(count: paddedCount)
        nanosecondCeilings.deallocate()
    }

    /// Records one observation.
    ///
    /// ```swift
    /// latency.observe(0.042)
    /// ```
    @inline(__always)
    public func observe(_ value: Double) {
        counts[bucketIndex(value)].wrappingAdd(1, ordering: .relaxed)
        sumBits.addDouble(value)
    }

    /// Records one observation and keeps `exemplar` as the latest exemplar of the bucket it fell into.
    ///
    /// ```swift
    /// latency.observe(0.042, exemplar: try Exemplar(traceID: traceID, spanID: spanID))
    /// ```
    public func observe(_ value: Double, exemplar: Exemplar) {
        let index = bucketIndex(value)
        counts[index].wrappingAdd(1, ordering: .relaxed)
        sumBits.addDouble(value)
        exemplars.withLock { $0[index] = RecordedExemplar(exemplar: exemplar, value: value) }
    }

    /// Records a duration given in nanoseconds (observed as seconds), keeping the sum exact, and keeps the
    /// exemplar if it is the slowest of its bucket so far (ties: the smaller exemplar labels), so that the same
    /// durations give the same exposition whatever order they arrive in. `exemplar` is only evaluated when the
    /// observation would become the bucket's exemplar. Span analysis uses this.
    ///
    /// ```swift
    /// latency.observe(nanoseconds: span.durationNanoseconds, exemplar: try? Exemplar(traceID: t, spanID: s))
    /// ```
    public func observe(nanoseconds: UInt64, exemplar: @autoclosure () -> Exemplar?) {
        let index = bucketIndex(nanoseconds: nanoseconds)
        counts[index].wrappingAdd(1, ordering: .relaxed)
        sumNanoseconds.wrappingAdd(nanoseconds, ordering: .relaxed)
        offerExemplar(bucket: index, nanoseconds: nanoseconds, exemplar: exemplar)
    }

    /// Records `count` observations of one duration in nanoseconds, as `observe(nanoseconds:exemplar:)` does
    /// once: for a head-sampled span that stands for several (its adjusted count).
    ///
    /// ```swift
    /// latency.observe(nanoseconds: span.durationNanoseconds, count: 10, exemplar: nil)   // sampled at 10%
    /// ```
    public func observe(nanoseconds: UInt64, count: Int, exemplar: @autoclosure () -> Exemplar?) {
        guard count > 0 else { return }
        let index = bucketIndex(nanoseconds: nanoseconds)
        counts[index].wrappingAdd(count, ordering: .relaxed)
        sumNanoseconds.wrappingAdd(nanoseconds &* UInt64(count), ordering: .relaxed)
        offerExemplar(bucket: index, nanoseconds: nanoseconds, exemplar: exemplar)
    }

    /// The number of buckets, `+Inf` included.
    package var bucketCount: Int { boundCount + 1 }

    /// The bucket a duration in nanoseconds falls into: the one `Double(nanoseconds) / 1e9` seconds falls into,
    /// found by comparing integers against `nanosecondCeilings`.
    @inline(__always)
    package func bucketIndex(nanoseconds: UInt64) -> Int {
        // The padding ceilings are UInt64.max, which only UInt64.max itself reaches: it takes the exact path.
        guard nanoseconds != .max else { return bucketIndex(Double(nanoseconds) / 1_000_000_000) }
        // Counting the ceilings at or below the duration: a compare and an add-with-borrow each, no branch. (A
        // binary search is compiled to branches here, which durations mispredict.)
        var position = 0
        for index in 0..<boundCount {
            position &+= Int(unsafeBitCast(nanosecondCeilings[index] <= nanoseconds, to: UInt8.self))
        }
        return position
    }

    /// The fewest whole nanoseconds `n` with `Double(n) / 1e9 > bound` (`UInt64.max` when no `n` below it is):
    /// the nanoseconds `bucketIndex(nanoseconds:)` puts above `bound`, exactly as the division would.
    package static func nanosecondCeiling(_ bound: Double) -> UInt64 {
        func above(_ nanoseconds: UInt64) -> Bool { Double(nanoseconds) / 1_000_000_000 > bound }
        if above(0) { return 0 }
        if !above(.max) { return .max }
        // Now above(low) is false and above(high) true. Start from the product's neighbourhood: a few steps.
        var low: UInt64 = 0
        var high: UInt64 = .max
        let guess = bound * 1_000_000_000
        if guess >= 0, guess < 18_446_744_073_709_549_568 {
            let center = UInt64(guess)
            let near = center > 4_096 ? center - 4_096 : 0
            let far = center < UInt64.max - 4_096 ? center + 4_096 : .max
            if !above(near) { low = near }
            if above(far) { high = far }
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if above(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// Adds observations counted elsewhere: `bucketCounts` per bucket (non-cumulative, `bucketCount` of them) and
    /// the sum of their nanoseconds; the exemplars go through `offerExemplar(bucket:nanoseconds:exemplar:)`.
    package func add(bucketCounts: [Int], sumNanoseconds nanoseconds: UInt64) {
        for index in 0..<min(bucketCounts.count, bucketCount) where bucketCounts[index] != 0 {
            counts[index].wrappingAdd(bucketCounts[index], ordering: .relaxed)
        }
        sumNanoseconds.wrappingAdd(nanoseconds, ordering: .relaxed)
    }

    /// Keeps the exemplar if `nanoseconds` is the slowest of bucket `index` so far (ties: smaller labels).
    @inline(__always)
    package func offerExemplar(bucket index: Int, nanoseconds: UInt64, exemplar: () -> Exemplar?) {
        let floor = exemplarFloors[index].load(ordering: .relaxed)
        if nanoseconds < floor {
            // Below the kept exemplar in nanoseconds, but above 2^43 ns two values can divide to the same seconds,
            // and a tie in seconds is decided by the labels below, whatever the order the values came in.
            guard floor >= 1 << 43, Double(nanoseconds) / 1_000_000_000 == Double(floor) / 1_000_000_000 else {
                return
            }
        }
        let seconds = Double(nanoseconds) / 1_000_000_000
        exemplars.withLock { slots in
            if let current = slots[index], seconds < current.value { return }
            guard let candidate = exemplar() else { return }
            if let current = slots[index], seconds == current.value,
                !candidate.labelValues.lexicographicallyPrecedes(current.exemplar.labelValues)
            {
                return
            }
            slots[index] = RecordedExemplar(exemplar: candidate, value: seconds)
            exemplarFloors[index].store(nanoseconds, ordering: .relaxed)
        }
    }

    /// Observes the seconds elapsed since `timer` started; see ``MetricTimer``.
    ///
    /// ```swift
    /// let timer = latency.startTimer()
    /// defer { timer.stop() }
    /// ```
    public func startTimer() -> MetricTimer {
        MetricTimer(histogram: self)
    }

    /// Index of the first bucket whose bound is >= value; NaN goes to `+Inf`.
    /// Counts the bounds below `value` with a branch-free binary search over the padded bounds:
    /// log2(paddedCount) steps whatever the value (4 for the 11 default buckets), no mispredicted branches.
    @inline(__always)
    func bucketIndex(_ value: Double) -> Int {
        if value.isNaN { return boundCount }
        var position = 0
        var step = paddedCount >> 1
        while step > 0 {
            position &+= bounds[position &+ step &- 1] < value ? step : 0
            step >>= 1
        }
        return position
    }

    /// A consistent-enough copy of the series for rendering: cumulative counts per bound and `+Inf`.
    func snapshot() -> HistogramSnapshot {
        var cumulative: [Int] = []
        cumulative.reserveCapacity(boundCount + 1)
        var running = 0
        for index in 0...boundCount {
            running &+= counts[index].load(ordering: .relaxed)
            cumulative.append(running)
        }
        return HistogramSnapshot(
            upperBounds: upperBounds, cumulativeCounts: cumulative, sum: sum,
            exemplars: exemplars.withLock { $0 })
    }

    /// The number of observations so far.
    ///
    /// ```swift
    /// print(latency.count)
    /// ```
    public var count: Int {
        var total = 0
        for index in 0...boundCount { total &+= counts[index].load(ordering: .relaxed) }
        return total
    }

    /// The sum of observations so far.
    ///
    /// ```swift
    /// print(latency.sum / Double(latency.count))  // mean
    /// ```
    public var sum: Double {
        let nanoseconds = sumNanoseconds.load(ordering: .relaxed)
        let seconds = sumBits.loadDouble()
        return nanoseconds == 0 ? seconds : seconds + Double(nanoseconds) / 1_000_000_000
    }
}

/// A read-out of one histogram series.
struct HistogramSnapshot {
    let upperBounds: [Double]
    /// Cumulative counts: one per finite bound, then the `+Inf` bucket (the total count).
    let cumulativeCounts: [Int]
    let sum: Double
    let exemplars: [RecordedExemplar?]

    var count: Int { cumulativeCounts.last ?? 0 }
}
