// Tests that TraceForest links spans into trees, keeps orphans, computes exact self time, top-N and text.

import Foundation
import Testing
import TraceKit
import TraceKitTesting

@testable import TraceAnalysis

@Suite struct SpanTreeTests {
    typealias F = SpanFixtures
    let ms = F.nanoseconds(milliseconds:)

    func names(_ tree: SpanTree) -> [String] {
        tree.nodes.map { String(repeating: ".", count: $0.depth) + $0.span.name }
    }

    @Test func nestedSpansFormDepthFirstTreeWithChildrenByStartTime() throws {
        // Given in scrambled order: the tree must not depend on it.
        let forest = TraceForest([
            F.span("b1", id: 6, parent: 3, from: 55, to: 65),
            F.span("root", id: 1, from: 0, to: 100),
            F.span("b", id: 3, parent: 1, from: 50, to: 90),
            F.span("a1", id: 4, parent: 2, from: 15, to: 35),
            F.span("a", id: 2, parent: 1, from: 10, to: 40),
        ])
        let tree = try #require(forest.trees.first)
        #expect(forest.trees.count == 1)
        #expect(names(tree) == ["root", ".a", "..a1", ".b", "..b1"])
        #expect(tree.rootIndices == [0])
        #expect(tree.nodes[0].childIndices == [1, 3])
        #expect(tree.nodes[2].parentIndex == 1)
        #expect(!tree.hasOrphans)
        #expect(tree.nodes.map(\.selfTimeNanoseconds) == [ms(30), ms(10), ms(20), ms(30), ms(10)])
        #expect(tree.durationNanoseconds == ms(100))
        #expect(tree.node(for: SpanID(rawValue: 4))?.span.name == "a1")
    }

    @Test func orphanWhoseParentIsMissingBecomesAMarkedRootWithItsSubtree() throws {
        let forest = TraceForest([
            F.span("root", id: 1, from: 0, to: 100),
            F.span("child", id: 2, parent: 1, from: 10, to: 20),
            F.span("lost", id: 3, parent: 99, from: 30, to: 40),
            F.span("lostChild", id: 4, parent: 3, from: 32, to: 38),
        ])
        let tree = try #require(forest.trees.first)
        #expect(names(tree) == ["root", ".child", "lost", ".lostChild"])
        #expect(tree.rootIndices == [0, 2])
        #expect(tree.nodes.map(\.isOrphan) == [false, false, true, false])
        #expect(forest.orphanCount == 1)
        // The orphan is not the root's child, so it does not reduce the root's self time.
        #expect(tree.nodes[0].selfTimeNanoseconds == ms(90))
        #expect(tree.nodes[2].selfTimeNanoseconds == ms(4))
        let orphanPath = tree.criticalPath(from: 2)
        #expect(orphanPath.segments.map(\.nodeIndex) == [2, 3, 2])
        #expect(orphanPath.durationNanoseconds == ms(10))
    }

    @Test func traceWithoutItsRootIsReadFromTheEarliestOrphan() throws {
        let tree = try #require(
            TraceForest([
                F.span("late", id: 3, parent: 1, from: 50, to: 60),
                F.span("early", id: 2, parent: 1, from: 10, to: 20),
            ]).trees.first)
        #expect(tree.primaryRootIndex == 0)
        #expect(tree.nodes[0].span.name == "early")
        #expect(tree.nodes.allSatisfy { $0.isOrphan })
    }

    @Test func parentCyclesAreCutInsteadOfLosingSpans() throws {
        let tree = try #require(
            TraceForest([
                F.span("x", id: 1, parent: 2, from: 0, to: 10),
                F.span("y", id: 2, parent: 1, from: 5, to: 8),
                F.span("self", id: 3, parent: 3, from: 20, to: 30),
            ]).trees.first)
        #expect(tree.spanCount == 3)
        // The self-parented span is an ordinary orphan; the x-y cycle is cut at its earliest span, x.
        #expect(names(tree) == ["self", "x", ".y"])
        #expect(tree.nodes.map(\.isOrphan) == [true, true, false])
        #expect(tree.renderText().contains("orphan: parent link cut (cycle)"))
    }

    @Test func duplicateSpanIdsKeepTheFirstAndAreCounted() throws {
        let tree = try #require(
            TraceForest([
                F.span("root", id: 1, from: 0, to: 10),
                F.span("again", id: 1, from: 0, to: 99),
            ]).trees.first)
        #expect(tree.spanCount == 1)
        #expect(tree.duplicateSpanCount == 1)
        #expect(tree.nodes[0].span.name == "root")
    }

    @Test func forestSeparatesTracesAndOrdersThemByStart() throws {
        let forest = TraceForest([
            F.span("second", id: 1, trace: 2, from: 50, to: 60),
            F.span("first", id: 1, trace: 1, from: 0, to: 100),
            F.span("firstChild", id: 2, parent: 1, trace: 1, from: 10, to: 20),
            F.span("third", id: 1, trace: 3, from: 70, to: 200),
        ])
        #expect(forest.trees.map { $0.nodes[0].span.name } == ["first", "second", "third"])
        #expect(forest.spanCount == 4)
        #expect(forest.tree(for: TraceID(high: 0xAB, low: 2))?.spanCount == 1)
        #expect(forest.tree(for: TraceID(high: 0xAB, low: 9)) == nil)
        #expect(forest.slowestTraces(2).map { $0.nodes[0].span.name } == ["third", "first"])
        #expect(forest.slowestSpans(3).map(\.name) == ["third", "first", "firstChild"])
        #expect(forest.slowestSpans(0).isEmpty)
    }

    @Test func forestStatisticsUseExactSelfTimeEvenForLateChildren() throws {
        // The child finishes after its parent: streaming cannot subtract it, the forest can.
        let spans = [
            F.span("parent", id: 1, from: 0, to: 100),
            F.span("late", id: 2, parent: 1, from: 60, to: 150),
        ]
        let exact = try #require(TraceForest(spans).statistics().statistics(named: "parent"))
        #expect(exact.totalSelfTimeNanoseconds == ms(60))
        var streaming = SpanStatisticsCollector()
        for span in F.finishingOrder(spans) { streaming.add(span) }
        #expect(streaming.statistics(named: "parent")?.totalSelfTimeNanoseconds == ms(100))
    }

    @Test func slowestSpansKeepsTheLongestWhateverTheArrivalOrder() {
        var generator = SeededGenerator(seed: 5)
        var spans: [SpanRecord] = []
        for id in UInt64(1)...2000 {
            let start = UInt64.random(in: 0...1000, using: &generator)
            let length = UInt64.random(in: 1...500, using: &generator)
            spans.append(F.span("s\(id)", id: id, from: start, to: start + length))
        }
        let expected = spans.sorted {
            $0.durationNanoseconds != $1.durationNanoseconds
                ? $0.durationNanoseconds > $1.durationNanoseconds
                : ($0.startUnixNanoseconds != $1.startUnixNanoseconds
                    ? $0.startUnixNanoseconds < $1.startUnixNanoseconds : $0.spanID.rawValue < $1.spanID.rawValue)
        }.prefix(25).map(\.spanID)
        var forward = SlowestSpans(capacity: 25)
        var backward = SlowestSpans(capacity: 25)
        for span in spans { forward.add(span) }
        for span in spans.reversed() { backward.add(span) }
        #expect(forward.spans.map(\.spanID) == Array(expected))
        #expect(backward.spans.map(\.spanID) == Array(expected))
    }

    @Test func textRenderingShowsIndentDurationsSelfTimeErrorsOrphansAndCriticalPath() throws {
        let tree = try #require(
            TraceForest([
                F.span("request", id: 1, from: 0, to: 100),
                F.span("parse", id: 2, parent: 1, from: 10, to: 50),
                F.span("query", id: 3, parent: 1, from: 40, to: 70, error: true),
                F.span("cleanup", id: 4, parent: 10, from: 80, to: 85),
            ]).trees.first)
        let expected = """
            trace 00000000000000ab0000000000000001  100.000ms  4 spans
            * request  100.000ms  self 40.000ms
                parse   40.000ms  self 40.000ms
            *   query   30.000ms  self 30.000ms  error: failed
              cleanup    5.000ms  self  5.000ms  orphan: parent 000000000000000a missing

            """
        #expect(tree.renderText() == expected)
        #expect(!tree.renderText(markingCriticalPath: false).contains("*"))
    }

    @Test func anErrorMessageIsShownOnOneLineAndCutWhenLong() throws {
        func line(_ message: String) throws -> String {
            let span = SpanRecord(
                traceID: TraceID(high: 0, low: 9), spanID: SpanID(rawValue: 1), name: "call",
                status: .error(message: message), startUnixNanoseconds: F.epoch, durationNanoseconds: 1_000)
            let tree = try #require(TraceForest([span]).trees.first)
            return String(tree.renderText().split(separator: "\n")[1])
        }
        #expect(try line("connection reset").hasSuffix("self 1.000µs  error: connection reset"))
        #expect(try line("").hasSuffix("self 1.000µs  error"))
        #expect(try line("first line\n\tsecond\u{1B}[31m line ").hasSuffix("error: first line second [31m line"))
        let long = String(repeating: "abcdefghij ", count: 10)
        let cut = try line(long)
        let shown = try #require(cut.components(separatedBy: "  error: ").last)
        #expect(shown.count <= SpanTree.errorMessageLength)
        #expect(
            shown == String(long.prefix(SpanTree.errorMessageLength - 3)).trimmingCharacters(in: .whitespaces) + "...")
    }

    @Test func renderingPicksUnitsByMagnitude() throws {
        let base = F.epoch
        let tree = try #require(
            TraceForest([
                SpanRecord(
                    traceID: TraceID(high: 0, low: 7), spanID: SpanID(rawValue: 1), name: "slow",
                    startUnixNanoseconds: base, durationNanoseconds: 2_500_000_000),
                SpanRecord(
                    traceID: TraceID(high: 0, low: 7), spanID: SpanID(rawValue: 2), parentSpanID: SpanID(rawValue: 1),
                    name: "micro", startUnixNanoseconds: base + 10, durationNanoseconds: 12_345),
                SpanRecord(
                    traceID: TraceID(high: 0, low: 7), spanID: SpanID(rawValue: 3), parentSpanID: SpanID(rawValue: 1),
                    name: "nano", startUnixNanoseconds: base + 20_000, durationNanoseconds: 850),
            ]).trees.first)
        let lines = tree.renderText(markingCriticalPath: false).split(separator: "\n").map(String.init)
        #expect(lines[1] == "  slow       2.500s  self   2.500s")
        #expect(lines[2] == "    micro  12.345µs  self 12.345µs")
        #expect(lines[3] == "    nano      850ns  self    850ns")
    }

    @Test func realSpansFromTraceOperationFormOneTreeWithoutOrphans() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await traceOperation("request") {
                async let left: Void = traceOperation("left") { await Task.yield() }
                async let right: Void = traceOperation("right") { await Task.yield() }
                _ = await (left, right)
                traceOperation("render") {}
            }
        }
        let forest = TraceForest(collector.spans)
        let tree = try #require(forest.trees.first)
        #expect(forest.trees.count == 1)
        #expect(forest.orphanCount == 0)
        #expect(tree.nodes[0].span.name == "request")
        #expect(Set(tree.nodes.dropFirst().map(\.span.name)) == ["left", "right", "render"])
        #expect(tree.nodes.dropFirst().allSatisfy { $0.depth == 1 })
        let root = tree.nodes[0]
        #expect(tree.criticalPath().durationNanoseconds == root.span.durationNanoseconds)
        #expect(root.selfTimeNanoseconds <= root.span.durationNanoseconds)
    }
}
