// Tests that per-name statistics count, sum, average and rank spans, with self time from children.

import Testing
import TraceAnalysis
import TraceKit

@Suite struct SpanStatisticsTests {
    typealias F = SpanFixtures
    let ms = F.nanoseconds(milliseconds:)

    @Test func perNameCountsErrorsTotalsAndSelfTime() throws {
        var collector = SpanStatisticsCollector()
        let spans = [
            F.span("request", id: 1, trace: 1, from: 0, to: 100),
            F.span("query", id: 2, parent: 1, trace: 1, from: 10, to: 40),
            F.span("query", id: 3, parent: 1, trace: 1, from: 50, to: 60, error: true),
            F.span("request", id: 1, trace: 2, from: 0, to: 50, error: true),
            F.span("query", id: 2, parent: 1, trace: 2, from: 0, to: 20),
        ]
        for span in F.finishingOrder(spans) { collector.add(span) }
        #expect(collector.nameCount == 2)
        #expect(collector.statistics.map(\.name) == ["query", "request"])

        let request = try #require(collector.statistics(named: "request"))
        #expect(request.count == 2)
        #expect(request.errorCount == 1)
        #expect(request.errorRatio == 0.5)
        #expect(request.totalDurationNanoseconds == ms(150))
        // Trace 1: 100 - 30 - 10 = 60; trace 2: 50 - 20 = 30.
        #expect(request.totalSelfTimeNanoseconds == ms(90))
        #expect(request.meanDurationNanoseconds == Double(ms(75)))
        #expect(request.meanSelfTimeNanoseconds == Double(ms(45)))

        let query = try #require(collector.statistics(named: "query"))
        #expect(query.count == 3)
        #expect(query.errorCount == 1)
        #expect(query.totalDurationNanoseconds == ms(60))
        #expect(query.totalSelfTimeNanoseconds == ms(60))
        #expect(query.durationQuantile(0) == Double(ms(10)))
        #expect(query.durationQuantile(1) == Double(ms(30)))
        let median = try #require(query.p50DurationNanoseconds)
        #expect(abs(median - Double(ms(20))) <= 0.01 * Double(ms(20)))
    }

    @Test func quantilesOfManySpansAreWithinOnePercent() throws {
        var collector = SpanStatisticsCollector()
        var durations: [UInt64] = []
        var generator = SeededGenerator(seed: 99)
        for index in UInt64(1)...10_000 {
            let duration = UInt64(generator.logNormal(median: 3_000_000, sigma: 0.8))
            durations.append(duration)
            collector.add(
                SpanRecord(
                    traceID: TraceID(high: 1, low: index), spanID: SpanID(rawValue: 1), name: "render",
                    startUnixNanoseconds: F.epoch, durationNanoseconds: duration))
        }
        let sorted = durations.sorted()
        let stats = try #require(collector.statistics(named: "render"))
        for (q, estimate) in [
            (0.5, stats.p50DurationNanoseconds), (0.95, stats.p95DurationNanoseconds),
            (0.99, stats.p99DurationNanoseconds),
        ] {
            let exact = Double(sorted[Int((q * Double(sorted.count - 1)).rounded(.down))])
            let value = try #require(estimate)
            #expect(abs(value - exact) <= 0.01 * exact * (1 + 1e-9), "q=\(q)")
        }
        let exactMean = Double(durations.reduce(0, +)) / Double(durations.count)
        let mean = try #require(stats.meanDurationNanoseconds)
        #expect(abs(mean - exactMean) <= 1e-9 * exactMean)
        // Roots without children: self time equals duration.
        #expect(stats.totalSelfTimeNanoseconds == stats.totalDurationNanoseconds)
    }

    @Test func mergedStatisticsEqualStatisticsOfAllSpans() throws {
        var whole = SpanStatistics(name: "x")
        var left = SpanStatistics(name: "x")
        var right = SpanStatistics(name: "x")
        for value in UInt64(1)...100 {
            whole.record(durationNanoseconds: value * 1000, selfTimeNanoseconds: value, isError: value % 10 == 0)
            if value % 2 == 0 {
                left.record(durationNanoseconds: value * 1000, selfTimeNanoseconds: value, isError: value % 10 == 0)
            } else {
                right.record(durationNanoseconds: value * 1000, selfTimeNanoseconds: value, isError: value % 10 == 0)
            }
        }
        try left.merge(right)
        #expect(left.count == 100)
        #expect(left.errorCount == 10)
        #expect(left.totalDurationNanoseconds == 5_050_000)
        #expect(left.totalSelfTimeNanoseconds == 5050)
        #expect(left.p95DurationNanoseconds == whole.p95DurationNanoseconds)
    }
}
