// Tests that spans find their parent through the task-local context: await, async let, groups, detached tasks.

import Testing
import TraceKit
import TraceKitTesting

@Suite struct ContextPropagationTests {
    @Test func nestedSyncSpansFormATree() throws {
        let collector = InMemorySpanSink()
        TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("root") {
                traceOperation("child") {
                    traceOperation("grandchild") {}
                }
                traceOperation("sibling") {}
            }
        }
        let spans = Dictionary(uniqueKeysWithValues: collector.spans.map { ($0.name, $0) })
        let root = try #require(spans["root"])
        #expect(root.parentSpanID == nil)
        #expect(spans["child"]?.parentSpanID == root.spanID)
        #expect(spans["sibling"]?.parentSpanID == root.spanID)
        #expect(spans["grandchild"]?.parentSpanID == spans["child"]?.spanID)
        #expect(Set(collector.spans.map(\.traceID)) == [root.traceID])
        #expect(collector.spans.map(\.name) == ["grandchild", "child", "sibling", "root"])
    }

    @Test func tracedClosureReturnsTheBodysValue() {
        let collector = InMemorySpanSink()
        let value = TraceSystem.withRecorder(.inMemory(collector)) {
            traceOperation("compute", ["input": 20]) { 22 + 20 }
        }
        #expect(value == 42)
        #expect(collector.spans.first?.attributes["input"] == .int(20))
    }

    @Test func parentSurvivesAwait() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await traceOperation("request") {
                try? await Task.sleep(for: .milliseconds(2))
                await traceOperation("after_await") {
                    await Task.yield()
                }
            }
        }
        let request = try #require(collector.spans(named: "request").first)
        let child = try #require(collector.spans(named: "after_await").first)
        #expect(child.parentSpanID == request.spanID)
        #expect(child.traceID == request.traceID)
        #expect(request.durationNanoseconds >= 2_000_000)
    }

    @Test func asyncLetChildrenSeeTheirParent() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await traceOperation("fan_out") {
                async let left = traceOperation("left") { await leaf("left_leaf") }
                async let right = traceOperation("right") { await leaf("right_leaf") }
                _ = await (left, right)
            }
        }
        let parent = try #require(collector.spans(named: "fan_out").first)
        for name in ["left", "right"] {
            let span = try #require(collector.spans(named: name).first)
            #expect(span.parentSpanID == parent.spanID)
            let leafSpan = try #require(collector.spans(named: "\(name)_leaf").first)
            #expect(leafSpan.parentSpanID == span.spanID)
        }
        #expect(Set(collector.spans.map(\.traceID)).count == 1)
    }

    @Test func taskGroupChildrenSeeTheirParent() async throws {
        let collector = InMemorySpanSink()
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await traceOperation("batch") {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            await traceOperation("item", ["index": .integer(index)]) { await Task.yield() }
                        }
                    }
                }
            }
        }
        let batch = try #require(collector.spans(named: "batch").first)
        let items = collector.spans(named: "item")
        #expect(items.count == 8)
        #expect(items.allSatisfy { $0.parentSpanID == batch.spanID && $0.traceID == batch.traceID })
        #expect(Set(items.map(\.spanID)).count == 8)
    }

    @Test func detachedTaskStartsANewTraceUnlessHandedTheContext() async throws {
        let collector = InMemorySpanSink()
        let recorder = TraceRecorder.inMemory(collector)
        await TraceSystem.withRecorder(recorder) {
            await traceOperation("origin") {
                let context = SpanContext.current
                await Task.detached {
                    TraceSystem.withRecorder(recorder) {
                        traceOperation("detached_alone") {}
                        withSpanContext(context) { traceOperation("detached_continued") {} }
                    }
                }.value
            }
        }
        let origin = try #require(collector.spans(named: "origin").first)
        let alone = try #require(collector.spans(named: "detached_alone").first)
        let continued = try #require(collector.spans(named: "detached_continued").first)
        #expect(alone.parentSpanID == nil)
        #expect(alone.traceID != origin.traceID)
        #expect(continued.parentSpanID == origin.spanID)
        #expect(continued.traceID == origin.traceID)
    }

    @Test func incomingTraceparentIsContinued() throws {
        let collector = InMemorySpanSink()
        let remote = try #require(SpanContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        TraceSystem.withRecorder(.inMemory(collector)) {
            withSpanContext(remote) {
                traceOperation("handle", kind: .server) {}
            }
        }
        let span = try #require(collector.spans.first)
        #expect(span.traceID == remote.traceID)
        #expect(span.parentSpanID == remote.spanID)
        #expect(span.kind == .server)
    }

    @Test func currentContextIsTheInnermostSpan() throws {
        let collector = InMemorySpanSink()
        var seen: [SpanContext?] = []
        TraceSystem.withRecorder(.inMemory(collector)) {
            seen.append(SpanContext.current)
            traceOperation("outer") { span in
                seen.append(SpanContext.current)
                #expect(SpanContext.current == span.context)
            }
            seen.append(SpanContext.current)
        }
        #expect(seen[0] == nil)
        #expect(seen[1]?.spanID == collector.spans.first?.spanID)
        #expect(seen[2] == nil)
    }

    @Test func thousandTasksOfHundredNestedSpansKeepEveryParent() async throws {
        let collector = InMemorySpanSink()
        let tasks = 1_000
        let depth = 100
        await TraceSystem.withRecorder(.inMemory(collector)) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<tasks {
                    group.addTask { await nest(depth) }
                }
            }
        }
        let spans = collector.spans
        #expect(spans.count == tasks * depth)
        let byID = Dictionary(uniqueKeysWithValues: spans.map { ($0.spanID, $0) })
        #expect(byID.count == tasks * depth, "span ids must be unique")
        var roots = 0
        for span in spans {
            let level = try #require(span.attributes["level"])
            guard let parentID = span.parentSpanID else {
                #expect(level == .int(0))
                roots += 1
                continue
            }
            let parent = try #require(byID[parentID])
            #expect(parent.traceID == span.traceID)
            if case .int(let mine) = level, case .int(let parents)? = parent.attributes["level"] {
                #expect(parents == mine - 1)
            } else {
                Issue.record("level attribute missing")
            }
        }
        #expect(roots == tasks)
        #expect(Set(spans.map(\.traceID)).count == tasks)
    }
}

private func leaf(_ name: String) async {
    await traceOperation(name) { await Task.yield() }
}

/// Opens `remaining` nested spans, yielding between levels so tasks interleave.
private func nest(_ remaining: Int, level: Int = 0) async {
    guard remaining > 0 else { return }
    await traceOperation("level", ["level": .integer(level)]) {
        if level % 10 == 0 { await Task.yield() }
        await nest(remaining - 1, level: level + 1)
    }
}
