// Many tasks updating the same series at once lose nothing: totals are exact.

import Testing
import TraceMetrics

@Suite("Concurrency")
struct ConcurrencyTests {
    static let tasks = 16
    static let perTask = 20_000

    @Test("concurrent increments of one labelled series, bound and looked up, give the exact total")
    func labelledCounterExactTotal() async throws {
        let registry = MetricsRegistry()
        let family = try registry.counterFamily("hits_total", help: "", labelNames: ["route", "code"])
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<Self.tasks {
                group.addTask {
                    guard let bound = try? family.labels(["route": "/a", "code": "200"]) else { return }
                    for index in 0..<Self.perTask {
                        if index % 100 == 0, task % 2 == 0 {
                            // Mix in lookups (which may create the series concurrently) with the bound handle.
                            try? family.labels(["code": "200", "route": "/a"]).increment()
                        } else {
                            bound.increment()
                        }
                    }
                }
            }
        }
        #expect(try family.labels(["route": "/a", "code": "200"]).value == Self.tasks * Self.perTask)
    }

    @Test("concurrent creation of many series yields each exactly once with exact counts")
    func concurrentSeriesCreation() async throws {
        let registry = MetricsRegistry()
        let family = try registry.counterFamily("per_key_total", help: "", labelNames: ["key"])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.tasks {
                group.addTask {
                    for key in 0..<500 { try? family.labels(values: ["k\(key)"]).increment() }
                }
            }
        }
        let lines = registry.exposition().split(separator: "\n").filter { $0.hasPrefix("per_key_total{") }
        #expect(lines.count == 500)
        #expect(lines.allSatisfy { $0.hasSuffix(" \(Self.tasks)") })
    }

    @Test("concurrent observations give exact bucket counts and count; the sum matches")
    func histogramExactUnderConcurrency() async throws {
        let registry = MetricsRegistry()
        let histogram = try registry.histogram("work_seconds", help: "", unit: "seconds", buckets: [1, 2, 3])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.tasks {
                group.addTask {
                    for index in 0..<Self.perTask { histogram.observe(Double(index % 4) + 0.5) }  // 0.5, 1.5, 2.5, 3.5
                }
            }
        }
        let total = Self.tasks * Self.perTask
        #expect(histogram.count == total)
        #expect(histogram.sum == Double(total) * 2)  // every term is a multiple of 0.5, so the sum is exact
        let text = registry.exposition()
        #expect(text.contains("work_seconds_bucket{le=\"1\"} \(total / 4)\n"))
        #expect(text.contains("work_seconds_bucket{le=\"2\"} \(total / 2)\n"))
        #expect(text.contains("work_seconds_bucket{le=\"3\"} \(total / 4 * 3)\n"))
        #expect(text.contains("work_seconds_bucket{le=\"+Inf\"} \(total)\n"))
    }

    @Test("concurrent floating counter, gauge and summary updates are exact")
    func floatingAndSummaryExact() async throws {
        let registry = MetricsRegistry()
        let busy = try registry.floatingCounter("busy_seconds_total", help: "", unit: "seconds")
        let level = try registry.gauge("level", help: "")
        let sizes = try registry.summary("size_bytes", help: "", unit: "bytes")
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.tasks {
                group.addTask {
                    for _ in 0..<5_000 {
                        busy.increment(by: 0.25)
                        level.increment()
                        level.decrement(by: 0.5)
                        sizes.observe(2)
                    }
                }
            }
        }
        #expect(busy.value == Double(Self.tasks * 5_000) * 0.25)
        #expect(level.value == Double(Self.tasks * 5_000) * 0.5)
        #expect(sizes.snapshot().count == Self.tasks * 5_000)
    }

    @Test("registering one name from many tasks at once returns one family")
    func concurrentRegistration() async throws {
        let registry = MetricsRegistry()
        let families = await withTaskGroup(of: CounterFamily?.self) { group in
            for _ in 0..<Self.tasks {
                group.addTask { try? registry.counterFamily("same_total", help: "", labelNames: ["a"]) }
            }
            var result: [CounterFamily] = []
            for await family in group { if let family { result.append(family) } }
            return result
        }
        #expect(families.count == Self.tasks)
        #expect(families.allSatisfy { $0 === families[0] })
    }
}
