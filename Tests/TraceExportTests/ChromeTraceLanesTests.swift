// Tests that a Chrome trace draws every span only inside its own ancestors, with few lanes, for concurrent traces.

import Foundation
import Testing
import TraceKit
import TraceKitTesting
import TraceSync

@testable import TraceExport

@Suite struct ChromeTraceLanesTests {
    /// The spans of `document` with the lane (tid) it gave each, times taken from the records (exact nanoseconds).
    static func lanes(of document: [UInt8], spans: [SpanRecord]) throws -> [(span: SpanRecord, lane: Int)] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(document)) as? [String: Any])
        let events = try #require(object["traceEvents"] as? [[String: Any]]).filter { $0["ph"] as? String == "X" }
        var byID: [String: SpanRecord] = [:]
        for span in spans { byID["\(span.traceID)/\(span.spanID)"] = span }
        return try events.map { event in
            let args = try #require(event["args"] as? [String: Any])
            let key = "\(try #require(args["trace_id"] as? String))/\(try #require(args["span_id"] as? String))"
            return (try #require(byID[key]), try #require(event["tid"] as? Int))
        }
    }

    /// Every pair of spans on one lane where the first's interval contains the second's start (what a viewer draws
    /// as nesting) and the outer one is not an ancestor of the inner one, as "outer > inner" text.
    static func spansDrawnInsideNonAncestors(_ placed: [(span: SpanRecord, lane: Int)]) -> [String] {
        var parentOf: [String: SpanID] = [:]
        for (span, _) in placed { parentOf["\(span.traceID)/\(span.spanID)"] = span.parentSpanID }
        func isAncestor(_ outer: SpanRecord, of inner: SpanRecord) -> Bool {
            guard outer.traceID == inner.traceID else { return false }
            var current = inner.parentSpanID
            var steps = 0
            while let id = current, steps <= placed.count {
                if id == outer.spanID { return true }
                current = parentOf["\(inner.traceID)/\(id)"]
                steps += 1
            }
            return false
        }
        var violations: [String] = []
        for lane in Dictionary(grouping: placed, by: \.lane).values {
            let ordered = lane.map(\.span).sorted {
                ($0.startUnixNanoseconds, UInt64.max - $0.durationNanoseconds)
                    < ($1.startUnixNanoseconds, UInt64.max - $1.durationNanoseconds)
            }
            var open: [SpanRecord] = []
            for span in ordered {
                open.removeAll { $0.endUnixNanoseconds <= span.startUnixNanoseconds }
                for outer in open where !isAncestor(outer, of: span) {
                    violations.append(
                        "\(outer.name) \(outer.traceID)/\(outer.spanID) > \(span.name) \(span.traceID)/\(span.spanID)")
                }
                if span.durationNanoseconds > 0 { open.append(span) }
            }
        }
        return violations
    }

    /// `traceCount` traces whose lifetimes overlap, each a random tree (up to 4 levels) with overlapping siblings,
    /// children starting with their parent or as long as it, zero-length spans, a child outliving its parent and
    /// orphans whose parent is missing.
    static func concurrentTraces(_ traceCount: Int, seed: UInt64) -> [SpanRecord] {
        var random = SplitMix64(seed: seed)
        var spans: [SpanRecord] = []
        var nextID: UInt64 = 1
        func add(_ trace: TraceID, parent: SpanID?, start: UInt64, duration: UInt64, depth: Int) {
            let id = SpanID(rawValue: nextID)
            nextID += 1
            spans.append(
                SpanRecord(
                    traceID: trace, spanID: id, parentSpanID: parent, name: "level\(depth)",
                    startUnixNanoseconds: start, durationNanoseconds: duration))
            guard depth < 4, duration > 0 else { return }
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let offset = random.chance(0.2) ? 0 : UInt64.random(in: 0...duration, using: &random)
                let longest = duration - offset
                var childDuration =
                    random.chance(0.1) ? longest : UInt64.random(in: 0...max(1, longest), using: &random)
                if random.chance(0.05) { childDuration = 0 }
                if random.chance(0.03) { childDuration = longest + 1_000 }  // clock skew: outlives its parent
                let orphaned = random.chance(0.03)
                add(
                    trace, parent: orphaned ? SpanID(rawValue: UInt64.max - nextID) : id, start: start + offset,
                    duration: childDuration, depth: depth + 1)
            }
        }
        for index in 0..<traceCount {
            let start = UInt64.random(in: 0...1_000_000_000, using: &random)
            add(
                TraceID(high: 7, low: UInt64(index + 1)), parent: nil, start: start,
                duration: UInt64.random(in: 1_000...200_000_000, using: &random), depth: 0)
        }
        return spans
    }

    @Test func noSpanOfManyConcurrentTracesIsDrawnInsideANonAncestor() throws {
        let spans = Self.concurrentTraces(400, seed: 42)
        let resource = Resource(serviceName: "lanes")
        let placed = try Self.lanes(of: ChromeTraceEncoder.json(resource: resource, spans: spans), spans: spans)
        #expect(placed.count == spans.count)
        let violations = Self.spansDrawnInsideNonAncestors(placed)
        #expect(violations.count == 0, "\(violations.count) drawn inside a non-ancestor, e.g. \(violations.prefix(3))")
        // Nesting is still used: most children share a lane with their parent.
        let laneOf = Dictionary(placed.map { ("\($0.span.traceID)/\($0.span.spanID)", $0.lane) }) { a, _ in a }
        let children = placed.filter { $0.span.parentSpanID != nil }
        let withParent = children.filter { laneOf["\($0.span.traceID)/\($0.span.parentSpanID!)"] == $0.lane }
        #expect(withParent.count * 2 > children.count, "\(withParent.count) of \(children.count)")
    }

    @Test func spansOfARealConcurrentWorkloadNestOnlyInsideTheirAncestors() async throws {
        let collector = InMemorySpanSink()
        let recorder = TraceRecorder.inMemory(collector, service: "lanes")
        await TraceSystem.withRecorder(recorder) {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        await traceOperation("request") {
                            async let left: Void = traceOperation("left") {
                                try? await Task.sleep(for: .microseconds(100 + 37 * index))
                                await traceOperation("inner") { try? await Task.sleep(for: .microseconds(50)) }
                            }
                            async let right: Void = traceOperation("right") {
                                try? await Task.sleep(for: .microseconds(200))
                            }
                            _ = await (left, right)
                        }
                    }
                }
            }
        }
        let spans = collector.spans
        #expect(spans.count == 24 * 4)
        let placed = try Self.lanes(
            of: ChromeTraceEncoder.json(resource: recorder.resource, spans: spans), spans: spans)
        let violations = Self.spansDrawnInsideNonAncestors(placed)
        #expect(violations.count == 0, "\(violations.count) drawn inside a non-ancestor, e.g. \(violations.prefix(3))")
    }

    @Test func aSpanOfAnotherTraceStartingInsideARootGetsItsOwnLane() {
        let a = TraceID(high: 1, low: 1)
        let b = TraceID(high: 1, low: 2)
        let spans = [
            SpanRecord(
                traceID: a, spanID: SpanID(rawValue: 1), name: "a", startUnixNanoseconds: 0, durationNanoseconds: 100),
            SpanRecord(
                traceID: b, spanID: SpanID(rawValue: 2), name: "b", startUnixNanoseconds: 5, durationNanoseconds: 45),
            SpanRecord(
                traceID: a, spanID: SpanID(rawValue: 3), parentSpanID: SpanID(rawValue: 1), name: "a.child",
                startUnixNanoseconds: 10, durationNanoseconds: 10),
            SpanRecord(
                traceID: b, spanID: SpanID(rawValue: 4), parentSpanID: SpanID(rawValue: 2), name: "b.child",
                startUnixNanoseconds: 20, durationNanoseconds: 10),
            SpanRecord(
                traceID: b, spanID: SpanID(rawValue: 5), name: "later", startUnixNanoseconds: 200,
                durationNanoseconds: 10),
        ]
        let layout = ChromeTraceLanes(spans)
        #expect(layout.spans.map(\.name) == ["a", "b", "a.child", "b.child", "later"])
        // b overlaps a but is not its descendant: lane 2; each child joins its parent; lane 1 is reused when free.
        #expect(layout.lanes == [1, 2, 1, 2, 1])
    }

    @Test func lanesAreReusedSoSequentialTracesNeedOnlyAsManyAsTheirWidestMoment() {
        var spans: [SpanRecord] = []
        for index in 0..<100 {
            let trace = TraceID(high: 3, low: UInt64(index + 1))
            let start = UInt64(index) * 1_000
            let root = SpanID(rawValue: UInt64(index * 3 + 1))
            spans.append(
                SpanRecord(
                    traceID: trace, spanID: root, name: "root", startUnixNanoseconds: start, durationNanoseconds: 900))
            for (offset, duration) in [(UInt64(10), UInt64(500)), (100, 600)] {
                spans.append(
                    SpanRecord(
                        traceID: trace, spanID: SpanID(rawValue: root.rawValue + offset / 100 + 1), parentSpanID: root,
                        name: "child", startUnixNanoseconds: start + offset, durationNanoseconds: duration))
            }
        }
        #expect(Set(ChromeTraceLanes(spans).lanes) == [1, 2])
    }

    @Test func aChildAsLongAsItsParentIsDrawnInsideIt() {
        let trace = TraceID(high: 1, low: 9)
        // Listed child first: the order of the input must not matter.
        let spans = [
            SpanRecord(
                traceID: trace, spanID: SpanID(rawValue: 3), parentSpanID: SpanID(rawValue: 2), name: "grandchild",
                startUnixNanoseconds: 10, durationNanoseconds: 50),
            SpanRecord(
                traceID: trace, spanID: SpanID(rawValue: 2), parentSpanID: SpanID(rawValue: 1), name: "child",
                startUnixNanoseconds: 10, durationNanoseconds: 50),
            SpanRecord(
                traceID: trace, spanID: SpanID(rawValue: 1), name: "root", startUnixNanoseconds: 10,
                durationNanoseconds: 50),
        ]
        let layout = ChromeTraceLanes(spans)
        #expect(layout.spans.map(\.name) == ["root", "child", "grandchild"])
        #expect(layout.lanes == [1, 1, 1])
    }
}
