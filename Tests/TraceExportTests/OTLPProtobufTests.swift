// Tests that the hand-written OTLP protobuf encoding says exactly what the OTLP/JSON encoding says, as decoded by
// opentelemetry-proto, including long values whose lengths take several varint bytes.

import Foundation
import Testing
import TraceKit
import TraceKitTesting

@testable import TraceExport

@Suite struct OTLPProtobufTests {
    static let receiverDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/interop").path

    /// Decodes `body` with otlp_receiver.py's decoder (opentelemetry-proto) and returns its span list as JSON text.
    static func decode(_ body: [UInt8], contentType: String) throws -> ExternalTool.Output {
        let script = """
            import sys, json
            sys.path.insert(0, sys.argv[1])
            import otlp_receiver
            print(json.dumps(otlp_receiver.decode(sys.stdin.buffer.read(), sys.argv[2]), sort_keys=True))
            """
        return try ExternalTool.run(
            "/usr/bin/env", ["python3", "-c", script, receiverDirectory, contentType], input: body)
    }

    @Test func protobufAndJSONRequestsDecodeToTheSameSpans() async throws {
        guard
            ExternalTool.require(
                ExternalTool.pythonHas(["opentelemetry.proto", "google.protobuf"]), "python3 with opentelemetry-proto")
        else { return }
        var (resource, spans) = await sampleSpans()
        resource.attributes = ["deployment.environment": "test", "host.name": "override"]
        // Long values: a 300-byte and a 70,000-byte string make 2- and 3-byte length prefixes at every level.
        spans[0].attributes["medium"] = .string(String(repeating: "m", count: 300))
        spans[0].attributes["long"] = .string(String(repeating: "é", count: 35_000))
        spans[0].samplingThreshold = Sampler.ratio(0.1).threshold
        spans[0].droppedAttributeCount = 3
        spans[0].droppedEventCount = 4
        spans[1].status = .ok
        let protobuf = try Self.decode(
            OTLPProtobufEncoder.exportRequest(resource: resource, spans: spans), contentType: "application/x-protobuf")
        let json = try Self.decode(
            OTLPJSONEncoder.exportRequest(resource: resource, spans: spans), contentType: "application/json")
        #expect(protobuf.status == 0, "\(protobuf.stderr)")
        #expect(json.status == 0, "\(json.stderr)")
        #expect(protobuf.stdout == json.stdout)

        let decoded = try #require(
            try JSONSerialization.jsonObject(with: Data(protobuf.stdout.utf8)) as? [[String: Any]])
        #expect(decoded.count == spans.count)
        let first = try #require(decoded.first { $0["span_id"] as? String == spans[0].spanID.description })
        #expect(first["trace_state"] as? String == "ot=th:e6666666666666")
        #expect(first["dropped_attributes_count"] as? Int == 3)
        #expect(first["dropped_events_count"] as? Int == 4)
        let attributes = try #require(first["attributes"] as? [[Any]])
        let long = try #require(attributes.first { $0.first as? String == "long" })
        #expect((long[1] as? [Any])?.last as? String == String(repeating: "é", count: 35_000))
        let resourceAttributes = try #require(first["resource"] as? [[Any]])
        #expect(resourceAttributes.contains { $0.first as? String == "deployment.environment" })
        #expect(first["service"] as? String == "export-test")
        #expect(first["scope_name"] as? String == "TraceKit")
    }

    @Test func aNestedMessageLongerThan127BytesGetsAMultiByteLength() {
        for length in [0, 127, 128, 16_383, 16_384, 2_097_152] {
            var writer = ProtobufWriter()
            writer.message(7) { $0.bytes.append(contentsOf: repeatElement(0xAB, count: length)) }
            var reader = ProtobufReader(writer.bytes[...])
            let field = reader.nextField()
            #expect(field?.number == 7)
            guard case .lengthDelimited(let content)? = field?.value else {
                Issue.record("length \(length): not a length-delimited field")
                continue
            }
            #expect(content.count == length)
            #expect(content.allSatisfy { $0 == 0xAB })
            #expect(reader.nextField() == nil && !reader.failed)
        }
    }
}
