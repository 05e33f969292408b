// Tests that self time subtracts the union of children clipped to the parent, streaming and bounded.

import Testing
import TraceAnalysis
import TraceKit
import TraceKitTesting

@Suite struct SelfTimeTests {
    typealias F = SpanFixtures
    let ms = F.nanoseconds(milliseconds:)

    /// Feeds spans in finishing order and returns self time by span id.
    func streamingSelfTimes(_ spans: [SpanRecord]) -> [UInt64: UInt64] {
        var tracker = SelfTimeTracker()
        var result: [UInt64: UInt64] = [:]
        for span in F.finishingOrder(spans) {
            result[span.spanID.rawValue] = tracker.selfTimeNanoseconds(of: span)
        }
        return result
    }

    @Test func sequentialChildrenAreSubtractedFromTheParent() {
        let selfTimes = streamingSelfTimes([
            F.span("request", id: 1, from: 0, to: 100),
            F.span("parse", id: 2, parent: 1, from: 10, to: 30),
            F.span("query", id: 3, parent: 1, from: 40, to: 70),
        ])
        #expect(selfTimes[1] == ms(50))
        #expect(selfTimes[2] == ms(20))
        #expect(selfTimes[3] == ms(30))
    }

    @Test func overlappingConcurrentChildrenCountOnce() {
        // Children cover [10, 60) and [40, 90): union 80 ms, not 100 ms.
        let selfTimes = streamingSelfTimes([
            F.span("fanout", id: 1, from: 0, to: 100),
            F.span("a", id: 2, parent: 1, from: 10, to: 60),
            F.span("b", id: 3, parent: 1, from: 40, to: 90),
            F.span("c", id: 4, parent: 1, from: 45, to: 55),
        ])
        #expect(selfTimes[1] == ms(20))
    }

    @Test func childTimeOutsideTheParentIsNotSubtracted() {
        // A child that starts before (clock skew) and one that outlives the parent are clipped to [10, 100).
        let selfTimes = streamingSelfTimes([
            F.span("parent", id: 1, from: 10, to: 100),
            F.span("early", id: 2, parent: 1, from: 0, to: 20),
            F.span("late", id: 3, parent: 1, from: 90, to: 95),
        ])
        #expect(selfTimes[1] == ms(75))
    }

    @Test func childrenCoveringTheWholeParentLeaveZeroSelfTime() {
        let selfTimes = streamingSelfTimes([
            F.span("parent", id: 1, from: 10, to: 20),
            F.span("wide", id: 2, parent: 1, from: 0, to: 20),
        ])
        #expect(selfTimes[1] == 0)
    }

    @Test func grandchildrenDoNotCountAgainstTheGrandparent() {
        let selfTimes = streamingSelfTimes([
            F.span("root", id: 1, from: 0, to: 100),
            F.span("child", id: 2, parent: 1, from: 10, to: 50),
            F.span("grandchild", id: 3, parent: 2, from: 20, to: 40),
        ])
        #expect(selfTimes[1] == ms(60))
        #expect(selfTimes[2] == ms(20))
        #expect(selfTimes[3] == ms(20))
    }

    @Test func spansOfOtherTracesWithTheSameIdsDoNotMix() {
        let selfTimes = streamingSelfTimes([
            F.span("root", id: 1, trace: 1, from: 0, to: 100),
            F.span("child", id: 2, parent: 1, trace: 2, from: 10, to: 50),
        ])
        #expect(selfTimes[1] == ms(100))
    }

    @Test func childFinishingAfterItsParentWasFedIsNotSubtractedInStreaming() {
        var tracker = SelfTimeTracker()
        let parent = F.span("parent", id: 1, from: 0, to: 100)
        let lateChild = F.span("detached", id: 2, parent: 1, from: 50, to: 150)
        #expect(tracker.selfTimeNanoseconds(of: parent) == ms(100))
        #expect(tracker.selfTimeNanoseconds(of: lateChild) == ms(100))
        // The late child's interval waits for a parent that already went: it is what the cap bounds.
        #expect(tracker.pendingChildIntervalCount == 1)
    }

    @Test func waitingChildrenAreCappedOldestFirst() {
        var tracker = SelfTimeTracker(maxPendingChildIntervals: 2)
        // Three orphans whose parents (10, 20, 30) never arrive, then the parent 30 does.
        _ = tracker.selfTimeNanoseconds(of: F.span("a", id: 1, parent: 10, from: 0, to: 5))
        _ = tracker.selfTimeNanoseconds(of: F.span("b", id: 2, parent: 20, from: 0, to: 5))
        _ = tracker.selfTimeNanoseconds(of: F.span("c", id: 3, parent: 30, from: 0, to: 5))
        #expect(tracker.pendingChildIntervalCount == 2)
        #expect(tracker.evictedChildIntervalCount == 1)
        #expect(tracker.selfTimeNanoseconds(of: F.span("p30", id: 30, from: 0, to: 10)) == ms(5))
        // Parent 10's child was evicted, so nothing is subtracted from it.
        #expect(tracker.selfTimeNanoseconds(of: F.span("p10", id: 10, from: 0, to: 10)) == ms(10))
        #expect(tracker.pendingChildIntervalCount == 1)
    }

    @Test func pendingBufferDoesNotGrowWithCompletedTraces() {
        var tracker = SelfTimeTracker(maxPendingChildIntervals: 100)
        for trace in UInt64(1)...20_000 {
            _ = tracker.selfTimeNanoseconds(of: F.span("child", id: 2, parent: 1, trace: trace, from: 1, to: 2))
            _ = tracker.selfTimeNanoseconds(of: F.span("root", id: 1, trace: trace, from: 0, to: 3))
        }
        #expect(tracker.pendingChildIntervalCount == 0)
        #expect(tracker.evictedChildIntervalCount == 0)
    }

    @Test func realNestedSpansGetParentDurationMinusChildOverlap() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("outer") {
                var total = 0
                for index in 0..<20_000 { total &+= index }
                traceOperation("inner") {
                    var sum = 0
                    for index in 0..<50_000 { sum &+= index }
                }
            }
        }
        let inner = try #require(collector.spans(named: "inner").first)
        let outer = try #require(collector.spans(named: "outer").first)
        #expect(inner.parentSpanID == outer.spanID)
        var tracker = SelfTimeTracker()
        var selfTimes: [String: UInt64] = [:]
        for span in collector.spans { selfTimes[span.name] = tracker.selfTimeNanoseconds(of: span) }
        let overlapStart = max(inner.startUnixNanoseconds, outer.startUnixNanoseconds)
        let overlapEnd = min(inner.endUnixNanoseconds, outer.endUnixNanoseconds)
        let overlap = overlapEnd > overlapStart ? overlapEnd - overlapStart : 0
        #expect(overlap > 0)
        #expect(selfTimes["outer"] == outer.durationNanoseconds - overlap)
        #expect(selfTimes["inner"] == inner.durationNanoseconds)
    }
}
