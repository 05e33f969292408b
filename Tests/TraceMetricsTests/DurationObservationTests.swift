// Tests that duration observations give the same sum and exemplars whatever order they arrive in.

import Testing

@testable import TraceMetrics

@Suite struct DurationObservationTests {
    func exemplar(_ span: Int) throws -> Exemplar {
        try Exemplar(
            traceID: "0000000000000000000000000000000a", spanID: String(repeating: "0", count: 15) + String(span))
    }

    /// Durations in one bucket (0.1 s) and one in the next, including a tie at the slowest value.
    let durations: [(nanoseconds: UInt64, span: Int)] = [
        (40_000_000, 1), (90_000_000, 2), (90_000_000, 3), (10_000_000, 4), (300_000_000, 5), (70_000_000, 6),
    ]

    func observe(_ order: [(nanoseconds: UInt64, span: Int)]) throws -> Histogram {
        let histogram = Histogram(upperBounds: [0.1, 1])
        for (nanoseconds, span) in order {
            let candidate = try exemplar(span)
            histogram.observe(nanoseconds: nanoseconds, exemplar: candidate)
        }
        return histogram
    }

    @Test func everyOrderGivesTheSameSumAndExemplars() throws {
        let reference = try observe(durations).snapshot()
        #expect(reference.sum == 0.6)
        // The 0.1 bucket keeps the slowest (90 ms), and of the tie the smaller span id (2).
        #expect(reference.exemplars[0]?.exemplar.labelValues.first == "0000000000000002")
        #expect(reference.exemplars[0]?.value == 0.09)
        #expect(reference.exemplars[1]?.exemplar.labelValues.first == "0000000000000005")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let shuffled = try observe(durations.shuffled(using: &generator)).snapshot()
            #expect(shuffled.sum == reference.sum)
            #expect(shuffled.cumulativeCounts == reference.cumulativeCounts)
            #expect(shuffled.exemplars == reference.exemplars)
        }
    }

    @Test func theExemplarIsOnlyMadeWhenItWins() {
        let histogram = Histogram(upperBounds: [1])
        var made = 0
        func make(_ span: Int) -> Exemplar? {
            made += 1
            return try? exemplar(span)
        }
        histogram.observe(nanoseconds: 500_000_000, exemplar: make(1))
        histogram.observe(nanoseconds: 100_000_000, exemplar: make(2))  // slower one kept: not made
        histogram.observe(nanoseconds: 200_000_000, exemplar: make(3))  // not made
        histogram.observe(nanoseconds: 700_000_000, exemplar: make(4))  // wins: made
        #expect(made == 2)
        #expect(histogram.count == 4)
    }

    @Test func durationsThatTieInSecondsAreDecidedByLabelsInEitherOrder() throws {
        // Above 2^53 ns doubles are coarser than a nanosecond: these two differ in nanoseconds but divide to the
        // same seconds, so they tie, and the smaller labels (span 1) must win whichever came first.
        let slower: UInt64 = (1 << 53) + 1
        let faster: UInt64 = 1 << 53
        #expect(Double(slower) / 1_000_000_000 == Double(faster) / 1_000_000_000)
        for order in [[(slower, 2), (faster, 1)], [(faster, 1), (slower, 2)]] {
            let histogram = Histogram(upperBounds: [1])
            for (nanoseconds, span) in order {
                let candidate = try exemplar(span)
                histogram.observe(nanoseconds: nanoseconds, exemplar: candidate)
            }
            #expect(histogram.snapshot().exemplars[1]?.exemplar.labelValues.first == "0000000000000001")
        }
    }
}
