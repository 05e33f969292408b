// Tests that the critical path follows the last-finishing child, skips overlapped work and covers the root.

import Testing
import TraceAnalysis
import TraceKit

@Suite struct CriticalPathTests {
    typealias F = SpanFixtures
    let ms = F.nanoseconds(milliseconds:)

    /// Segments as (name, startMs, endMs) relative to the fixture epoch.
    func describe(_ path: CriticalPath, in tree: SpanTree) -> [String] {
        path.segments.map { segment in
            let start = (segment.startUnixNanoseconds - F.epoch) / 1_000_000
            let end = (segment.endUnixNanoseconds - F.epoch) / 1_000_000
            return "\(tree.nodes[segment.nodeIndex].span.name) \(start)-\(end)"
        }
    }

    @Test func sequentialWorkPutsEverySpanOnThePath() throws {
        let tree = try #require(
            TraceForest([
                F.span("R", id: 1, from: 0, to: 100),
                F.span("A", id: 2, parent: 1, from: 10, to: 40),
                F.span("A1", id: 3, parent: 2, from: 15, to: 35),
                F.span("B", id: 4, parent: 1, from: 50, to: 90),
                F.span("B1", id: 5, parent: 4, from: 55, to: 65),
                F.span("B2", id: 6, parent: 4, from: 70, to: 85),
            ]).trees.first)
        let path = tree.criticalPath()
        #expect(
            describe(path, in: tree) == [
                "R 0-10", "A 10-15", "A1 15-35", "A 35-40", "R 40-50", "B 50-55", "B1 55-65", "B 65-70",
                "B2 70-85", "B 85-90", "R 90-100",
            ])
        #expect(path.nodeIndices.map { tree.nodes[$0].span.name } == ["R", "A", "A1", "B", "B1", "B2"])
        #expect(path.durationNanoseconds == ms(100))
    }

    @Test func concurrentChildrenOnlyTheOneThatFinishesLastIsCritical() throws {
        let tree = try #require(
            TraceForest([
                F.span("R", id: 1, from: 0, to: 100),
                F.span("fast", id: 2, parent: 1, from: 10, to: 30),
                F.span("slow", id: 3, parent: 1, from: 10, to: 80),
                F.span("slowChild", id: 4, parent: 3, from: 20, to: 75),
                F.span("overlapped", id: 5, parent: 1, from: 60, to: 90),
                F.span("tail", id: 6, parent: 1, from: 85, to: 95),
            ]).trees.first)
        let path = tree.criticalPath()
        #expect(
            describe(path, in: tree) == [
                "R 0-10", "slow 10-20", "slowChild 20-75", "slow 75-80", "R 80-85", "tail 85-95", "R 95-100",
            ])
        #expect(path.nodeIndices.map { tree.nodes[$0].span.name } == ["R", "slow", "slowChild", "tail"])
        let byName = Dictionary(uniqueKeysWithValues: tree.nodes.map { ($0.span.name, $0.index) })
        #expect(path.criticalTimeNanoseconds(ofNode: byName["R"] ?? -1) == ms(20))
        #expect(path.criticalTimeNanoseconds(ofNode: byName["slow"] ?? -1) == ms(15))
        #expect(path.criticalTimeNanoseconds(ofNode: byName["fast"] ?? -1) == 0)
        #expect(path.criticalTimeNanoseconds(ofNode: byName["overlapped"] ?? -1) == 0)
        // Self time counts the union of all children [10, 95): 15 ms, unlike the critical time of R.
        #expect(tree.nodes[0].selfTimeNanoseconds == ms(15))
    }

    @Test func childOutlivingItsParentIsClippedToTheParent() throws {
        let tree = try #require(
            TraceForest([
                F.span("R", id: 1, from: 0, to: 50),
                F.span("detached", id: 2, parent: 1, from: 30, to: 70),
                F.span("after", id: 3, parent: 1, from: 60, to: 65),
            ]).trees.first)
        let path = tree.criticalPath()
        #expect(describe(path, in: tree) == ["R 0-30", "detached 30-50"])
        #expect(path.durationNanoseconds == ms(50))
        #expect(tree.nodes[0].selfTimeNanoseconds == ms(30))
    }

    @Test func forestFindsTheCriticalPathOfATraceById() throws {
        let forest = TraceForest([
            F.span("other", id: 1, trace: 1, from: 0, to: 10),
            F.span("R", id: 1, trace: 2, from: 0, to: 40),
            F.span("child", id: 2, parent: 1, trace: 2, from: 5, to: 25),
        ])
        let path = try #require(forest.criticalPath(of: TraceID(high: 0xAB, low: 2)))
        #expect(path.segments.map(\.durationNanoseconds) == [ms(5), ms(20), ms(15)])
        #expect(path.segments.map(\.spanID.rawValue) == [1, 2, 1])
        #expect(forest.criticalPath(of: TraceID(high: 0xAB, low: 3)) == nil)
    }

    @Test func backToBackChildrenAreBothCritical() throws {
        let tree = try #require(
            TraceForest([
                F.span("R", id: 1, from: 0, to: 30),
                F.span("first", id: 2, parent: 1, from: 0, to: 10),
                F.span("second", id: 3, parent: 1, from: 10, to: 30),
            ]).trees.first)
        #expect(describe(tree.criticalPath(), in: tree) == ["first 0-10", "second 10-30"])
        #expect(tree.criticalPath().nodeIndices.count == 3)
    }

    @Test func pathSegmentsAlwaysTileTheRootInterval() throws {
        var generator = SeededGenerator(seed: 17)
        for trace in UInt64(1)...50 {
            var spans = [F.span("root", id: 1, trace: trace, from: 0, to: 1000)]
            for id in UInt64(2)...40 {
                let parent = UInt64.random(in: 1..<id, using: &generator)
                let start = UInt64.random(in: 0...990, using: &generator)
                let end = start + UInt64.random(in: 0...300, using: &generator)
                spans.append(F.span("s", id: id, parent: parent, trace: trace, from: start, to: end))
            }
            let tree = try #require(TraceForest(spans).trees.first)
            let segments = tree.criticalPath().segments
            #expect(segments.first?.startUnixNanoseconds == F.epoch)
            #expect(segments.last?.endUnixNanoseconds == F.epoch + ms(1000))
            for (earlier, later) in zip(segments, segments.dropFirst()) {
                #expect(earlier.endUnixNanoseconds == later.startUnixNanoseconds)
            }
        }
    }

    @Test func veryDeepChainsNeedNoRecursion() throws {
        let depth: UInt64 = 20_000
        var spans: [SpanRecord] = []
        for id in UInt64(1)...depth {
            spans.append(F.span("level", id: id, parent: id == 1 ? nil : id - 1, from: id, to: 2 * depth + 2 - id))
        }
        let tree = try #require(TraceForest(spans).trees.first)
        #expect(tree.nodes.last?.depth == Int(depth) - 1)
        let path = tree.criticalPath()
        #expect(path.nodeIndices.count == Int(depth))
        #expect(path.durationNanoseconds == tree.nodes[0].span.durationNanoseconds)
        #expect(tree.renderText().split(separator: "\n").count == Int(depth) + 1)
    }
}
