// Tests that OTLP JSON parses with opentelemetry-proto, Chrome JSON is well nested, and JSON lines escape exactly.

import Foundation
import Testing
import TraceKit
import TraceKitTesting

@testable import TraceExport

/// A small trace with every attribute type, an error, events, concurrent children and hostile strings.
func sampleSpans() async -> (Resource, [SpanRecord]) {
    let collector = InMemorySpanSink()
    let recorder = TraceRecorder.inMemory(collector, service: "export-test")
    await TraceSystem.withRecorder(recorder) {
        await traceOperation(
            "request \"quoted\"\n",
            [
                "s": "line1\nline2\t\"q\" \\ \u{01} é 😀", "i": -42, "d": 1.5, "b": true,
                "sa": .stringArray(["a", "b"]), "ia": .intArray([1, -2]), "da": .doubleArray([0.25, .infinity]),
                "ba": .boolArray([true, false]),
            ],
            kind: .server
        ) {
            async let left: Void = traceOperation("left", kind: .client) { await Task.yield() }
            async let right: Void = traceOperation("right", kind: .client) { await Task.yield() }
            _ = await (left, right)
            try? traceOperation("fails") { span in
                span.addEvent("retry", ["attempt": 1])
                throw CancellationError()
            }
        }
    }
    return (recorder.resource, collector.spans)
}

@Suite struct ExportTests {
    @Test func otlpJSONParsesWithOpenTelemetryProto() async throws {
        guard
            ExternalTool.require(
                ExternalTool.pythonHas(["opentelemetry.proto", "google.protobuf"]),
                "python3 with opentelemetry-proto")
        else { return }
        let (resource, spans) = await sampleSpans()
        let body = OTLPJSONEncoder.exportRequest(resource: resource, spans: spans)
        // OTLP/JSON writes ids as hex where the protobuf JSON mapping expects base64: convert, then parse strictly.
        let script = #"""
            import sys, json, base64
            from google.protobuf import json_format
            from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
            doc = json.load(sys.stdin)
            for rs in doc["resourceSpans"]:
                for ss in rs["scopeSpans"]:
                    for s in ss["spans"]:
                        for k in ("traceId", "spanId", "parentSpanId"):
                            if k in s: s[k] = base64.b64encode(bytes.fromhex(s[k])).decode()
            req = json_format.ParseDict(doc, ExportTraceServiceRequest())
            out = []
            res = {a.key: a.value for a in req.resource_spans[0].resource.attributes}
            for s in req.resource_spans[0].scope_spans[0].spans:
                attrs = {a.key: json_format.MessageToDict(a.value) for a in s.attributes}
                out.append({"trace": s.trace_id.hex(), "span": s.span_id.hex(), "parent": s.parent_span_id.hex(),
                    "name": s.name, "kind": s.kind, "start": s.start_time_unix_nano, "end": s.end_time_unix_nano,
                    "status": s.status.code, "message": s.status.message, "attrs": attrs,
                    "events": [e.name for e in s.events]})
            print(json.dumps({"service": res["service.name"].string_value, "spans": out}))
            """#
        let result = try ExternalTool.run("/usr/bin/env", ["python3", "-c", script], input: body)
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(parsed["service"] as? String == "export-test")
        let decoded = try #require(parsed["spans"] as? [[String: Any]])
        #expect(decoded.count == spans.count)
        for (span, entry) in zip(spans, decoded) {
            #expect(entry["trace"] as? String == span.traceID.description)
            #expect(entry["span"] as? String == span.spanID.description)
            #expect(entry["parent"] as? String == (span.parentSpanID?.description ?? ""))
            #expect(entry["name"] as? String == span.name)
            #expect((entry["start"] as? NSNumber)?.uint64Value == span.startUnixNanoseconds)
            #expect((entry["end"] as? NSNumber)?.uint64Value == span.endUnixNanoseconds)
            #expect((entry["status"] as? Int) == (span.status.isError ? 2 : 0))
        }
        let root = try #require(decoded.first { ($0["name"] as? String)?.hasPrefix("request") == true })
        #expect(root["kind"] as? Int == 2)
        let attributes = try #require(root["attrs"] as? [String: [String: Any]])
        #expect(attributes["s"]?["stringValue"] as? String == "line1\nline2\t\"q\" \\ \u{01} é 😀")
        #expect(attributes["i"]?["intValue"] as? String == "-42")
        #expect(attributes["d"]?["doubleValue"] as? Double == 1.5)
        #expect(attributes["b"]?["boolValue"] as? Bool == true)
        let failing = try #require(decoded.first { $0["name"] as? String == "fails" })
        #expect(failing["events"] as? [String] == ["retry", "exception"])
    }

    @Test func chromeTraceHasCompleteEventsNestedPerLane() async throws {
        let (resource, spans) = await sampleSpans()
        let bytes = ChromeTraceEncoder.json(resource: resource, spans: spans)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let events = try #require(document["traceEvents"] as? [[String: Any]]).filter { $0["ph"] as? String == "X" }
        #expect(events.count == spans.count)
        for event in events {
            #expect(event["pid"] as? Int == Int(resource.processID))
            #expect(event["ts"] is Double || event["ts"] is Int)
            let args = try #require(event["args"] as? [String: Any])
            let spanID = try #require(args["span_id"] as? String)
            let span = try #require(spans.first { $0.spanID.description == spanID })
            #expect(args["trace_id"] as? String == span.traceID.description)
            #expect(event["name"] as? String == span.name)
            let duration = try #require((event["dur"] as? NSNumber)?.doubleValue)
            #expect(abs(duration - Double(span.durationNanoseconds) / 1000) < 0.002)
        }
        // Per lane, every pair of events is either disjoint or nested, which is what trace viewers need.
        let byLane = Dictionary(grouping: events, by: { $0["tid"] as? Int ?? -1 })
        for (_, laneEvents) in byLane {
            let intervals = laneEvents.compactMap { event -> (Double, Double)? in
                guard let ts = (event["ts"] as? NSNumber)?.doubleValue,
                    let dur = (event["dur"] as? NSNumber)?.doubleValue
                else { return nil }
                return (ts, ts + dur)
            }
            for a in intervals {
                for b in intervals where a != b {
                    let disjoint = a.1 <= b.0 || b.1 <= a.0
                    let nested = (a.0 <= b.0 && b.1 <= a.1) || (b.0 <= a.0 && a.1 <= b.1)
                    #expect(disjoint || nested)
                }
            }
        }
    }

    @Test func lanesSeparateOverlappingSiblings() {
        func span(_ start: UInt64, _ duration: UInt64, parent: UInt64?) -> SpanRecord {
            SpanRecord(
                traceID: TraceID(high: 1, low: 1), spanID: SpanID(rawValue: start + 1),
                parentSpanID: parent.map { SpanID(rawValue: $0) }, name: "s", startUnixNanoseconds: start,
                durationNanoseconds: duration)
        }
        // A parent [0,100), two overlapping children [10,60) and [20,80), and a later child [60,70).
        let layout = ChromeTraceLanes([
            span(0, 100, parent: nil), span(10, 50, parent: 1), span(20, 60, parent: 1), span(60, 10, parent: 1),
        ])
        #expect(layout.lanes == [1, 1, 2, 1])
    }

    @Test func jsonLinesRoundTripHostileStringsExactly() async throws {
        let (_, spans) = await sampleSpans()
        for span in spans {
            let line = SpanJSONEncoder.line(span)
            #expect(!line.contains("\n"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["name"] as? String == span.name)
            #expect(object["span_id"] as? String == span.spanID.description)
            #expect((object["duration_nano"] as? NSNumber)?.uint64Value == span.durationNanoseconds)
            if case .string(let value)? = span.attributes["s"] {
                let attributes = try #require(object["attributes"] as? [String: Any])
                #expect(attributes["s"] as? String == value)
                #expect(attributes["da"] as? [Any] != nil)
            }
        }
    }
}
