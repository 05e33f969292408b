// ExportTests: OTLP JSON parses with opentelemetry-proto; Chrome JSON has the fields Perfetto needs.

import Foundation
import Testing

@Suite struct ExportTests {
    @Test func otlpJSONParsesIntoAnExportTraceServiceRequest() throws {
        guard
            CLIProcess.require(
                CLIProcess.pythonHas(["opentelemetry.proto", "google.protobuf"]), "python3 with opentelemetry-proto")
        else { return }
        let directory = try TemporaryDirectory()
        let log = directory.file("export.tklog")
        let fixture = LogFixture()
        try fixture.write(to: log)
        let out = directory.file("otlp.json")
        let result = try CLIProcess.tracekit(["export", log, "--format", "otlp-json", "--output", out])
        #expect(result.status == 0, "\(result.stderr)")
        // OTLP/JSON writes ids as hex where the protobuf JSON mapping expects base64: convert, then parse strictly.
        let script = #"""
            import sys, json, base64
            from google.protobuf import json_format
            from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
            doc = json.load(open(sys.argv[1]))
            for rs in doc["resourceSpans"]:
                for ss in rs["scopeSpans"]:
                    for s in ss["spans"]:
                        for k in ("traceId", "spanId", "parentSpanId"):
                            if k in s: s[k] = base64.b64encode(bytes.fromhex(s[k])).decode()
            req = json_format.ParseDict(doc, ExportTraceServiceRequest())
            spans = [s for rs in req.resource_spans for ss in rs.scope_spans for s in ss.spans]
            service = {a.key: a.value.string_value for a in req.resource_spans[0].resource.attributes}["service.name"]
            errors = sum(1 for s in spans if s.status.code == 2)
            print(json.dumps({"service": service, "count": len(spans), "errors": errors,
                "names": sorted({s.name for s in spans}), "first_trace": spans[0].trace_id.hex()}))
            """#
        let python = try #require(CLIProcess.which("python3"))
        let parsed = try CLIProcess.run(python, ["-c", script, out])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: parsed.stdout) as? [String: Any])
        #expect(summary["service"] as? String == "cli-test")
        #expect(summary["count"] as? Int == fixture.spans.count)
        #expect(summary["errors"] as? Int == 6)
        #expect(summary["names"] as? [String] == [LogFixture.hostileName, "db.query", "render", "request"])
        #expect(summary["first_trace"] as? String == "000000000000abcd0000000000000001")
    }

    @Test func chromeTraceHasCompleteEventsWithTheFieldsPerfettoNeeds() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("chrome.tklog")
        let fixture = LogFixture()
        try fixture.write(to: log)
        let result = try CLIProcess.tracekit(["export", log, "--format", "chrome"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let events = try #require(document["traceEvents"] as? [[String: Any]])
        let complete = events.filter { $0["ph"] as? String == "X" }
        #expect(complete.count == fixture.spans.count)
        for event in complete {
            #expect(event["name"] is String)
            #expect(event["ts"] is NSNumber && event["dur"] is NSNumber)
            #expect(event["pid"] is NSNumber && event["tid"] is NSNumber)
        }
        let query = try #require(complete.first { $0["name"] as? String == "db.query" })
        let duration = try #require((query["dur"] as? NSNumber)?.doubleValue)
        #expect(duration >= 10_000 && duration < 11_000, "dur is in microseconds")
    }

    @Test func exportNamesTheOutputFileItCannotWrite() throws {
        let directory = try TemporaryDirectory()
        let log = directory.file("export.tklog")
        try LogFixture(traceCount: 2).write(to: log)
        let target = directory.file("no-such-dir/out.json")
        let result = try CLIProcess.tracekit(["export", log, "--format", "chrome", "-o", target])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(target): cannot write"))
    }
}
