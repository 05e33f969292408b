// TraceExtents picks the same slowest traces as a TraceForest of every span, from records or from batches.

import Testing
import TraceKit

@testable import TraceAnalysis

@Suite struct TraceExtentsTests {
    /// Many traces with spans interleaved across traces, few distinct starts and durations (so traces tie on
    /// duration and start and the trace id decides), and some spans that end past `UInt64.max`.
    static func interleavedTraces(traceCount: Int, seed: UInt64) -> [SpanRecord] {
        var random = SeededGenerator(seed: seed)
        var spans: [SpanRecord] = []
        for trace in 0..<traceCount {
            let traceID = TraceID(high: UInt64.random(in: 0...2, using: &random), low: UInt64(trace) * 7 + 1)
            let base = 1_000_000 * UInt64.random(in: 0...3, using: &random)
            for index in 0..<Int.random(in: 1...8, using: &random) {
                let saturating = Int.random(in: 0..<60, using: &random) == 0
                let start = saturating ? UInt64.max - 10 : base + 1_000_000 * UInt64.random(in: 0...2, using: &random)
                spans.append(
                    SpanRecord(
                        traceID: traceID, spanID: SpanID(rawValue: UInt64(index + 1)),
                        parentSpanID: index == 0 ? nil : SpanID(rawValue: 1), name: "op\(index % 3)",
                        startUnixNanoseconds: start,
                        durationNanoseconds: 1_000_000 * UInt64.random(in: 0...4, using: &random)))
            }
        }
        spans.shuffle(using: &random)
        return spans
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func slowestTracesAreThoseOfTheForest(seed: UInt64) {
        let spans = Self.interleavedTraces(traceCount: 400, seed: seed)
        let forest = TraceForest(spans)
        var fromRecords = TraceExtents()
        for span in spans { fromRecords.add(span) }
        var fromBatches = TraceExtents()
        for batch in BatchConsumeTests.batches(of: spans, seed: seed) { fromBatches.add(batch) }

        #expect(fromRecords.traceCount == forest.trees.count)
        #expect(fromBatches.traceCount == forest.trees.count)
        for n in [0, 1, 2, 5, 17, 399, 400, 1_000] {
            let expected = forest.slowestTraces(n).map(\.traceID)
            #expect(fromRecords.slowest(n).map(\.traceID) == expected, "n = \(n)")
            #expect(fromBatches.slowest(n) == fromRecords.slowest(n), "n = \(n)")
        }
        for tree in forest.trees {
            let extent = fromRecords.extent(of: tree.traceID)
            #expect(extent?.startUnixNanoseconds == tree.startUnixNanoseconds)
            #expect(extent?.endUnixNanoseconds == tree.endUnixNanoseconds)
            #expect(extent?.durationNanoseconds == tree.durationNanoseconds)
            #expect(extent?.spanCount == tree.spanCount)
            #expect(fromBatches.extent(of: tree.traceID) == extent)
        }
        #expect(fromRecords.extent(of: TraceID(high: 9, low: 9)) == nil)
    }

    @Test func aRepeatedSpanIDCountsWithBothOccurrences() {
        let traceID = TraceID(high: 1, low: 2)
        let first = SpanRecord(
            traceID: traceID, spanID: SpanID(rawValue: 1), name: "a", startUnixNanoseconds: 100,
            durationNanoseconds: 10)
        var again = first
        again.durationNanoseconds = 50
        var extents = TraceExtents()
        extents.add(first)
        extents.add(again)
        #expect(extents.extent(of: traceID)?.durationNanoseconds == 50)
        #expect(extents.extent(of: traceID)?.spanCount == 2)
        // The tree keeps the first occurrence only: the documented difference.
        #expect(TraceForest([first, again]).tree(for: traceID)?.durationNanoseconds == 10)
    }

    @Test func slowestSpansKeepTheirOrderThroughTheSharedHeap() {
        let spans = Self.interleavedTraces(traceCount: 200, seed: 9)
        var slowest = SlowestSpans(capacity: 30)
        for span in spans { slowest.add(span) }
        let expected = spans.sorted { SpanRecord.isSlower($0, than: $1) }.prefix(30)
        #expect(slowest.spans == Array(expected))
    }

    @Test(arguments: [UInt64(4), 5])
    func slowestSpansFromBatchesAreThoseFromRecords(seed: UInt64) {
        let spans = Self.interleavedTraces(traceCount: 300, seed: seed)
        let batches = BatchConsumeTests.batches(of: spans, seed: seed)
        let cases: [(capacity: Int, name: String?)] = [
            (1, nil), (25, nil), (25, "op1"), (5_000, nil), (0, nil), (3, "missing"),
        ]
        for (capacity, name) in cases {
            var fromRecords = SlowestSpans(capacity: capacity)
            for span in spans where name == nil || span.name == name { fromRecords.add(span) }
            var fromBatches = SlowestSpans(capacity: capacity)
            for batch in batches { fromBatches.add(batch, named: name) }
            #expect(fromBatches.spans == fromRecords.spans, "capacity \(capacity), name \(name ?? "-")")
            #expect(fromRecords.spans.count == min(capacity, spans.count { name == nil || $0.name == name }))
        }
    }
}
