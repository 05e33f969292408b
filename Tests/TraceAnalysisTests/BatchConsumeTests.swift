// consume(_: SpanBatch) gives exactly what consume(_:) span by span gives, on random and awkward span streams.

import Dispatch
import Testing
import TraceAnalysis
import TraceKit
import TraceKitTesting
import TraceMetrics

@Suite struct BatchConsumeTests {
    /// A random stream in finishing order with what makes batching hard: parents in a later batch than their
    /// children, children finishing after their parent, parents that never come (remote or lost), span ids
    /// reused in the same trace, equal durations (exemplar ties), attribute values that pick series, and rule
    /// conditions on attribute values.
    static func awkwardStream(count: Int, seed: UInt64) -> [SpanRecord] {
        var random = SeededGenerator(seed: seed)
        let names = ["GET /a", "cache_lookup", "ui_generation", "db.query", "llm_call", "tool_execution"]
        var spans: [SpanRecord] = []
        var open: [(trace: UInt64, id: UInt64, start: UInt64)] = []
        var nextID: UInt64 = 1
        var clock: UInt64 = 1_764_000_000_000_000_000
        while spans.count < count {
            clock += UInt64.random(in: 0...2_000_000, using: &random)
            if open.isEmpty || Int.random(in: 0..<3, using: &random) == 0 {
                // Open a parent that later children name; some never finish (their children keep waiting).
                let reused = Int.random(in: 0..<25, using: &random) == 0 && nextID > 3
                open.append((UInt64.random(in: 1...6, using: &random), reused ? nextID - 3 : nextID, clock))
                nextID += 1
                continue
            }
            let parentIndex = Int.random(in: 0..<open.count, using: &random)
            let parent = open[parentIndex]
            let roll = Int.random(in: 0..<10, using: &random)
            var attributes: TraceAttributes = [:]
            let name = names[Int.random(in: 0..<names.count, using: &random)]
            if Bool.random(using: &random) {
                attributes["http.route"] = .string(["/a", "/b", "/c"][Int.random(in: 0..<3, using: &random)])
            }
            if Bool.random(using: &random) { attributes["cache.hit"] = .bool(Bool.random(using: &random)) }
            if Int.random(in: 0..<3, using: &random) == 0 {
                attributes["model"] = .string(Bool.random(using: &random) ? "s" : "l")
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                attributes["action"] = .int(Int64.random(in: 0...2, using: &random))
            }
            // Equal durations on purpose: exemplar ties are decided by labels, and must be decided the same way.
            let duration =
                Int.random(in: 0..<4, using: &random) == 0
                ? 5_000_000 : UInt64.random(in: 0...90_000_000, using: &random)
            let start = parent.start + UInt64.random(in: 0...3_000_000, using: &random)
            if roll < 7 {
                // A child of an open parent.
                spans.append(
                    SpanRecord(
                        traceID: TraceID(high: 7, low: parent.trace), spanID: SpanID(rawValue: nextID),
                        parentSpanID: SpanID(rawValue: parent.id), name: name,
                        status: Int.random(in: 0..<6, using: &random) == 0 ? .error(message: "x") : .ok,
                        startUnixNanoseconds: start, durationNanoseconds: duration, attributes: attributes))
                nextID += 1
            } else {
                // The parent finishes; sometimes a late child of it follows.
                open.remove(at: parentIndex)
                spans.append(
                    SpanRecord(
                        traceID: TraceID(high: 7, low: parent.trace), spanID: SpanID(rawValue: parent.id),
                        parentSpanID: Bool.random(using: &random) ? SpanID(rawValue: 999_999) : nil, name: name,
                        startUnixNanoseconds: parent.start, durationNanoseconds: clock - parent.start + duration,
                        attributes: attributes))
                if roll == 9 {
                    spans.append(
                        SpanRecord(
                            traceID: TraceID(high: 7, low: parent.trace), spanID: SpanID(rawValue: nextID),
                            parentSpanID: SpanID(rawValue: parent.id), name: "late", startUnixNanoseconds: start,
                            durationNanoseconds: duration))
                    nextID += 1
                }
            }
        }
        return spans
    }

    /// Rules whose conditions and labels depend on attribute values, beside the seed's.
    static func configuration(dimensions: [String], maxPending: Int) -> SpanAnalyzerConfiguration {
        var configuration = SpanAnalyzerConfiguration()
        configuration.dimensions = dimensions
        configuration.maxPendingChildIntervals = maxPending
        configuration.rules += [
            DerivationRule(
                matching: .anyOf([.attribute("cache.hit", equals: .bool(true)), .spanName("db.query")]),
                families: [
                    .counter(
                        "test_hits_total", help: "Hits.",
                        labels: [.attribute("model", "model", "http.route"), DerivedLabel("status", from: .outcome)]),
                    .durationHistogram(
                        "test_hit_seconds", help: "Hit latency.", labels: [.attribute("route", "http.route")],
                        when: .hasAttribute("model")),
                ])
        ]
        return configuration
    }

    /// Splits `spans` into batches of random sizes, as log blocks would.
    static func batches(of spans: [SpanRecord], seed: UInt64) -> [SpanBatch] {
        var random = SeededGenerator(seed: seed)
        var batches: [SpanBatch] = []
        var index = 0
        while index < spans.count {
            let size = min(spans.count - index, Int.random(in: 1...300, using: &random))
            var batch = SpanBatch()
            var shapes: [SpanBatch.Shape: Int] = [:]
            for span in spans[index..<index + size] { batch.append(span, shapeIndex: &shapes) }
            batches.append(batch)
            index += size
        }
        return batches
    }

    @Test(arguments: [
        (dimensions: [String](), maxPending: 1_000_000, seed: UInt64(1)),
        (dimensions: ["http.route"], maxPending: 1_000_000, seed: 2),
        (dimensions: ["model", "cache.hit"], maxPending: 40, seed: 3),
        (dimensions: [], maxPending: 1, seed: 4),
    ])
    func batchesGiveTheExpositionOfSpanBySpan(dimensions: [String], maxPending: Int, seed: UInt64) throws {
        let spans = Self.awkwardStream(count: 6_000, seed: seed)
        let clock = MetricsClock.fixed(1_764_000_000)
        let configuration = Self.configuration(dimensions: dimensions, maxPending: maxPending)

        let oneByOne = MetricsRegistry(clock: clock)
        let single = try SpanAnalyzer(registry: oneByOne, configuration: configuration)
        for span in spans { single.consume(span) }

        let inBatches = MetricsRegistry(clock: clock)
        let batched = try SpanAnalyzer(registry: inBatches, configuration: configuration)
        let batches = Self.batches(of: spans, seed: seed)
        for batch in batches { batched.consume(batch) }

        // Split in two: the order-independent part of every batch first, backwards and from two threads at once,
        // then self time in order.
        let inParts = MetricsRegistry(clock: clock)
        let split = try SpanAnalyzer(registry: inParts, configuration: configuration)
        let halves = [
            Array(batches.reversed().enumerated().filter { $0.offset % 2 == 0 }.map(\.element)),
            Array(batches.reversed().enumerated().filter { $0.offset % 2 == 1 }.map(\.element)),
        ]
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            for batch in halves[half] { split.prepare(batch) }
        }
        for batch in batches { split.consumePrepared(batch) }
        #expect(split.spanCount == single.spanCount)
        #expect(inParts.exposition(.openMetrics) == oneByOne.exposition(.openMetrics))

        #expect(batched.spanCount == single.spanCount)
        #expect(batched.evictedChildIntervals == single.evictedChildIntervals)
        let expected = oneByOne.exposition(.openMetrics)
        #expect(inBatches.exposition(.openMetrics) == expected)
        // The stream exercises what it claims to: rule series, dimension series, self time and exemplars.
        #expect(expected.contains("test_hits_total{model="))
        #expect(expected.contains("test_hit_seconds_bucket{route="))
        #expect(expected.contains("traces_span_metrics_self_time_seconds_bucket"))
        #expect(expected.contains(" # {span_id=\""))
        if maxPending < 100 { #expect(single.evictedChildIntervals > 0) }
    }

    @Test func selfTimeSubtractsChildrenFromEarlierBatchesAndWaitsForLaterParents() throws {
        var configuration = SpanAnalyzerConfiguration()
        configuration.rules = []
        configuration.durationBuckets = [0.005, 0.05, 0.5]
        let registry = MetricsRegistry(clock: .fixed(1_764_000_000))
        let analyzer = try SpanAnalyzer(registry: registry, configuration: configuration)
        // parent [0,100) ms; children [10,30) in batch 1, [20,60) and [70,80) in batch 2 with the parent:
        // union 60 ms, so the parent's self time is 40 ms.
        let first = SpanFixtures.span("child", id: 2, parent: 1, from: 10, to: 30)
        let second = SpanFixtures.span("child", id: 3, parent: 1, from: 20, to: 60)
        let third = SpanFixtures.span("child", id: 4, parent: 1, from: 70, to: 80)
        let parent = SpanFixtures.span("parent", id: 1, from: 0, to: 100)
        for spans in [[first], [second, third, parent]] {
            var batch = SpanBatch()
            var shapes: [SpanBatch.Shape: Int] = [:]
            for span in spans { batch.append(span, shapeIndex: &shapes) }
            analyzer.consume(batch)
        }
        let samples = ParsedExposition(registry.exposition(.prometheusText))
        let parentSelf = ["span_kind": "SPAN_KIND_INTERNAL", "span_name": "parent"]
        #expect(samples["traces_span_metrics_self_time_seconds_sum", parentSelf] == 0.04)
        #expect(analyzer.evictedChildIntervals == 0)
    }

    @Test(arguments: [11 as UInt64, 12])
    func statisticsFromBatchesEqualThoseFromRecords(seed: UInt64) {
        let spans = Self.awkwardStream(count: 5_000, seed: seed)
        var fromRecords = SpanStatisticsCollector()
        for span in spans { fromRecords.add(span) }
        var fromBatches = SpanStatisticsCollector()
        for batch in Self.batches(of: spans, seed: seed) { fromBatches.add(batch) }
        #expect(fromBatches.nameCount == fromRecords.nameCount)
        #expect(fromBatches.statistics == fromRecords.statistics)
        #expect(fromRecords.statistics.contains { $0.totalSelfTimeNanoseconds < $0.totalDurationNanoseconds })
    }

    @Test func shapesThatNoSpanHasAddNoSeriesAndNoStatistics() throws {
        // A damaged or hostile record can declare shapes that none of its (surviving) spans has.
        let spans = Self.awkwardStream(count: 400, seed: 21)
        var batch = SpanBatch()
        var shapes: [SpanBatch.Shape: Int] = [:]
        for span in spans { batch.append(span, shapeIndex: &shapes) }
        _ = batch.appendShape(SpanBatch.Shape(name: "declared_only", kind: .server, status: .ok, keys: ["action"]))
        let clock = MetricsClock.fixed(1_764_000_000)
        let expected = MetricsRegistry(clock: clock)
        let single = try SpanAnalyzer(registry: expected)
        for span in spans { single.consume(span) }
        let registry = MetricsRegistry(clock: clock)
        let batched = try SpanAnalyzer(registry: registry)
        batched.consume(batch)
        let text = registry.exposition(.openMetrics)
        #expect(text == expected.exposition(.openMetrics))
        #expect(!text.contains("declared_only"))
        var statistics = SpanStatisticsCollector()
        statistics.add(batch)
        #expect(statistics.statistics(named: "declared_only") == nil)
    }
}
