// AnalyzerInternalsTests: the analyzer's probing table and batched histogram observations against simple models.

import Foundation
import Testing
import TraceKit
import TraceMetrics

@testable import TraceAnalysis

@Suite struct AnalyzerInternalsTests {
    struct SmallKey: ProbingKey, Hashable {
        var value: UInt64
        // A deliberately poor hash: long probe runs exercise the backward-shift deletion.
        func probingHash(seed: UInt64) -> UInt64 { value % 7 }
    }

    @Test(arguments: [1 as UInt64, 2, 3])
    func probingTableBehavesLikeADictionary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var table = ProbingTable<SmallKey, Int>()
        var reference: [SmallKey: Int] = [:]
        for step in 0..<20_000 {
            let key = SmallKey(value: UInt64.random(in: 0..<200, using: &random))
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                table.insert(step, for: key)
                reference[key] = step
            case 1:
                #expect(table.removeValue(for: key) == reference.removeValue(forKey: key))
            case 2:
                let changed = table.modify(key) { $0 += 1 }
                #expect(changed == (reference[key] != nil))
                if changed { reference[key]! += 1 }
            default:
                #expect(table[key] == reference[key])
            }
            #expect(table.count == reference.count)
        }
        var values: [Int] = []
        table.forEach { values.append($0) }
        #expect(values.sorted() == reference.values.sorted())
    }

    @Test func aTableThatEmptiedOutShrinksAndKeepsWhatIsLeft() {
        struct WideKey: ProbingKey, Hashable {
            var value: UInt64
            func probingHash(seed: UInt64) -> UInt64 { value ^ seed }
        }
        var table = ProbingTable<WideKey, Int>()
        for value in 0..<5_000 { table.insert(value, for: WideKey(value: UInt64(value))) }
        for value in 0..<4_900 { _ = table.removeValue(for: WideKey(value: UInt64(value))) }
        var slots = 0
        table.forEachKey { _ in slots += 1 }
        #expect(slots == 100)
        table.shrinkIfSparse()
        table.shrinkIfSparse()
        var left: [UInt64] = []
        table.forEachKey { left.append($0.value) }
        #expect(left.sorted() == Array(4_900..<5_000))
        for value in 4_900..<5_000 { #expect(table[WideKey(value: UInt64(value))] == value) }
        #expect(table[WideKey(value: 7)] == nil)
        #expect(table.count == 100)
    }

    @Test func stringHashesDependOnEveryByteAndOnTheSeed() {
        let strings = ["", "a", "b", "ab", "ba", "ui_generation", "ui_generatioN", String(repeating: "x", count: 100)]
        let hashes = Set(strings.map { $0.probingHash(seed: 1) })
        #expect(hashes.count == strings.count)
        #expect("checkout".probingHash(seed: 1) != "checkout".probingHash(seed: 2))
    }

    /// Observing in batches (as the decoding threads do) leaves exactly what observing one by one leaves:
    /// counts, the integer sum, and per bucket the slowest exemplar with ties broken by the smaller labels.
    @Test(arguments: [5 as UInt64, 6, 7])
    func batchedObservationsEqualObservingOneByOne(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let registry = MetricsRegistry(clock: .fixed(1_764_000_000))
        let buckets = [0.001, 0.01, 0.1, 1]
        let direct = try registry.histogram("direct_seconds", help: "One by one.", unit: "seconds", buckets: buckets)
        let batched = try registry.histogram("batched_seconds", help: "In batches.", unit: "seconds", buckets: buckets)
        func exemplar(_ ids: (UInt64, UInt64)) -> Exemplar? {
            try? Exemplar(traceID: String(ids.0, radix: 16), spanID: String(ids.1, radix: 16), timestamp: 1)
        }
        var batch = NanosecondObservations(batched, candidate: (UInt64, UInt64).self)
        for index in 0..<5_000 {
            // Few distinct durations, so equal values (ties between exemplars) are common.
            let nanoseconds = [500_000, 5_000_000, 50_000_000, 2_000_000_000].randomElement(using: &random) ?? 0
            let ids = (UInt64.random(in: 1..<1_000, using: &random), UInt64.random(in: 1..<1_000, using: &random))
            direct.observe(nanoseconds: UInt64(nanoseconds), exemplar: exemplar(ids))
            batch.observe(UInt64(nanoseconds), candidate: ids, exemplar: exemplar)
            if index % 700 == 699 {
                batch.commit(exemplar: exemplar)
                batch = NanosecondObservations(batched, candidate: (UInt64, UInt64).self)
            }
        }
        batch.commit(exemplar: exemplar)
        let (directLines, batchedLines) = Self.seriesLines(registry.exposition(.openMetrics))
        #expect(directLines.count > 4)
        #expect(directLines == batchedLines)
    }

    @Test(arguments: [8 as UInt64, 9])
    func batchHistogramsEqualObservingOneByOne(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let registry = MetricsRegistry(clock: .fixed(1_764_000_000))
        // Bounds that are not whole nanoseconds, and durations on both sides of each bound's nanosecond ceiling
        // and past 2^43 ns (where exemplars compare in seconds), so the counting search must match the division.
        let buckets = [0.0000015, 0.001, 0.1 + 0.2, 1, 9_000.5, 1e10]
        var durations: [UInt64] = [0, 1, 2, .max, .max - 1, 1 << 43, (1 << 43) + 1, 1 << 53, (1 << 53) + 1]
        for bound in buckets {
            let ceiling = Histogram.nanosecondCeiling(bound)
            durations += [ceiling, ceiling &- 1, ceiling &+ 1]
        }
        for _ in 0..<3_000 {
            durations.append(UInt64.random(in: 0...(1 << UInt64.random(in: 1...63, using: &random)), using: &random))
        }
        durations += durations  // every duration twice: exemplar ties
        let direct = try registry.histogram("direct_seconds", help: "One by one.", unit: "seconds", buckets: buckets)
        let batched = try registry.histogram("batched_seconds", help: "In batches.", unit: "seconds", buckets: buckets)
        let ids = durations.indices.map { _ in UInt64.random(in: 1..<1_000_000, using: &random) }
        func exemplar(_ span: Int32) -> Exemplar? {
            try? Exemplar(traceID: String(ids[Int(span)], radix: 16), spanID: String(span, radix: 16), timestamp: 1)
        }
        var gathered = BatchHistograms()
        let position = gathered.position(of: batched)
        for (index, nanoseconds) in durations.enumerated() {
            direct.observe(nanoseconds: nanoseconds, exemplar: exemplar(Int32(index)))
            if index % 2 == 0 {
                gathered.observe(position, nanoseconds: nanoseconds, span: Int32(index), exemplar: exemplar)
            } else {
                gathered.withObserver {
                    $0.observe(position, nanoseconds: nanoseconds, span: Int32(index), exemplar: exemplar)
                }
            }
        }
        gathered.commit(exemplar: exemplar)
        let (directLines, batchedLines) = Self.seriesLines(registry.exposition(.openMetrics))
        #expect(directLines.count > 6)
        #expect(directLines == batchedLines)
    }

    /// The exposition lines of `direct_seconds` and of `batched_seconds`, each with its family name taken out,
    /// so the two histograms' samples and exemplars compare line by line.
    static func seriesLines(_ text: String) -> (direct: [String], batched: [String]) {
        func lines(_ family: String) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix(family) }.map {
                $0.replacingOccurrences(of: family, with: "x")
            }
        }
        return (lines("direct_seconds"), lines("batched_seconds"))
    }
}
