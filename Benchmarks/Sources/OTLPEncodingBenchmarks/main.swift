// OTLPEncodingBenchmarks: TraceKit's hand-written OTLP protobuf encoder against swift-protobuf generated messages
// (generated once by Benchmarks/Scripts/generate-otlp-swift-protobuf.sh and committed), and against the OTLP/JSON
// encoder, on the same spans: bytes per span, raw and gzip'd, and encoding time per span, in one run.
//
// Run: swift run -c release --package-path Benchmarks OTLPEncodingBenchmarks [span count, default 100000]

import BenchmarkSupport
import Foundation
import SwiftProtobuf
import TraceExport
import TraceKit

typealias Request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let count = CommandLine.arguments.dropFirst().last.flatMap { Int($0) } ?? 100_000
let recorder = TraceRecorder(TraceConfiguration(service: "bench"))
let spans = Workload.spans(count: count, scheme: recorder.identifiers)
let resource = Resource(serviceName: "bench", hostName: "bench-host", processID: 1, processStartUnixNanoseconds: 0)
let batches = stride(from: 0, to: spans.count, by: 512).map { Array(spans[$0..<min($0 + 512, spans.count)]) }

// MARK: swift-protobuf: build the generated messages from span records, then serialize them.

func anyValue(_ value: AttributeValue) -> Opentelemetry_Proto_Common_V1_AnyValue {
    var any = Opentelemetry_Proto_Common_V1_AnyValue()
    func array(_ values: [Opentelemetry_Proto_Common_V1_AnyValue]) {
        var list = Opentelemetry_Proto_Common_V1_ArrayValue()
        list.values = values
        any.arrayValue = list
    }
    switch value {
    case .string(let string): any.stringValue = string
    case .bool(let bool): any.boolValue = bool
    case .int(let int): any.intValue = int
    case .double(let double): any.doubleValue = double
    case .stringArray(let values): array(values.map { anyValue(.string($0)) })
    case .intArray(let values): array(values.map { anyValue(.int($0)) })
    case .doubleArray(let values): array(values.map { anyValue(.double($0)) })
    case .boolArray(let values): array(values.map { anyValue(.bool($0)) })
    }
    return any
}

func keyValues(_ attributes: TraceAttributes) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
    attributes.map { attribute in
        var keyValue = Opentelemetry_Proto_Common_V1_KeyValue()
        keyValue.key = attribute.key
        keyValue.value = anyValue(attribute.value)
        return keyValue
    }
}

func bigEndian(_ values: UInt64...) -> Data {
    var data = Data(capacity: 8 * values.count)
    for value in values { withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) } }
    return data
}

func message(_ batch: [SpanRecord]) -> Request {
    var resourceMessage = Opentelemetry_Proto_Resource_V1_Resource()
    // The same resource attributes, in the same order, as TraceKit's encoders write.
    resourceMessage.attributes = keyValues([
        "service.name": .string(resource.serviceName), "host.name": .string(resource.hostName),
        "process.pid": .int(resource.processID), "telemetry.sdk.name": "tracekit",
        "telemetry.sdk.language": "swift", "telemetry.sdk.version": .string(resource.libraryVersion),
    ])
    var scope = Opentelemetry_Proto_Common_V1_InstrumentationScope()
    scope.name = OTLPJSONEncoder.scopeName
    scope.version = resource.libraryVersion
    var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
    scopeSpans.scope = scope
    scopeSpans.spans = batch.map { span in
        var out = Opentelemetry_Proto_Trace_V1_Span()
        out.traceID = bigEndian(span.traceID.high, span.traceID.low)
        out.spanID = bigEndian(span.spanID.rawValue)
        if span.samplingThreshold != 0 { out.traceState = SamplingTraceState.value(threshold: span.samplingThreshold) }
        if let parent = span.parentSpanID { out.parentSpanID = bigEndian(parent.rawValue) }
        out.name = span.name
        out.kind = Opentelemetry_Proto_Trace_V1_Span.SpanKind(rawValue: Int(span.kind.rawValue) + 1) ?? .unspecified
        out.startTimeUnixNano = span.startUnixNanoseconds
        out.endTimeUnixNano = span.endUnixNanoseconds
        out.attributes = keyValues(span.attributes)
        out.droppedAttributesCount = span.droppedAttributeCount
        out.events = span.events.map { event in
            var outEvent = Opentelemetry_Proto_Trace_V1_Span.Event()
            outEvent.timeUnixNano = event.timeUnixNanoseconds
            outEvent.name = event.name
            outEvent.attributes = keyValues(event.attributes)
            return outEvent
        }
        out.droppedEventsCount = span.droppedEventCount
        switch span.status {
        case .unset: break
        case .ok:
            var status = Opentelemetry_Proto_Trace_V1_Status()
            status.code = .ok
            out.status = status
        case .error(let text):
            var status = Opentelemetry_Proto_Trace_V1_Status()
            status.message = text
            status.code = .error
            out.status = status
        }
        return out
    }
    var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
    resourceSpans.resource = resourceMessage
    resourceSpans.scopeSpans = [scopeSpans]
    var request = Request()
    request.resourceSpans = [resourceSpans]
    return request
}

func swiftProtobufBytes(_ batch: [SpanRecord]) -> [UInt8] {
    do {
        return try message(batch).serializedBytes()
    } catch {
        print("swift-protobuf could not serialize a batch: \(error)")
        exit(1)
    }
}

// MARK: Both say the same thing, byte for byte.

var identical = 0
for batch in batches {
    let hand = OTLPProtobufEncoder.exportRequest(resource: resource, spans: batch)
    let generated = swiftProtobufBytes(batch)
    guard let decoded = try? Request(serializedBytes: hand), decoded == message(batch) else {
        print("swift-protobuf does not read the hand-encoded request as the same message")
        exit(1)
    }
    if hand == generated { identical += 1 }
}

// MARK: Timing: rounds interleaved, median per span.

/// Seconds to encode every batch with `encode`, `rounds` times, interleaved with the others by the caller.
func timed(_ encode: ([SpanRecord]) -> [UInt8]) -> (seconds: Double, bytes: Int) {
    var bytes = 0
    let start = now()
    for batch in batches { bytes += encode(batch).count }
    return (now() - start, bytes)
}

let gzipTransport = try OTLPHTTPTransport(configuration: .init(compression: .gzip))
let jsonGzipTransport = try OTLPHTTPTransport(configuration: .init(protocol: .httpJSON, compression: .gzip))
let encoders: [(String, ([SpanRecord]) -> [UInt8])] = [
    (
        "hand-written protobuf (OTLPProtobufEncoder)",
        { OTLPProtobufEncoder.exportRequest(resource: resource, spans: $0) }
    ),
    ("swift-protobuf 1.39.0: build messages + serializedBytes()", swiftProtobufBytes),
    ("swift-protobuf: serializedBytes() of prebuilt messages", { _ in [] }),
    ("OTLP/JSON (OTLPJSONEncoder)", { OTLPJSONEncoder.exportRequest(resource: resource, spans: $0) }),
    (
        "hand-written protobuf + gzip -6 (transport encode)",
        { (try? gzipTransport.encode($0, resource: resource)) ?? [] }
    ),
    ("OTLP/JSON + gzip -6 (transport encode)", { (try? jsonGzipTransport.encode($0, resource: resource)) ?? [] }),
]
let prebuilt = batches.map(message)
func serializePrebuilt() -> (seconds: Double, bytes: Int) {
    var bytes = 0
    let start = now()
    for request in prebuilt { bytes += ((try? request.serializedBytes()) as [UInt8]?)?.count ?? 0 }
    return (now() - start, bytes)
}

var samples = Array(repeating: [Double](), count: encoders.count)
var sizes = Array(repeating: 0, count: encoders.count)
for _ in 0..<7 {
    for (index, encoder) in encoders.enumerated() {
        let (seconds, bytes) = index == 2 ? serializePrebuilt() : timed(encoder.1)
        samples[index].append(seconds)
        sizes[index] = bytes
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

print("workload: \(spans.count) spans in \(batches.count) requests of up to 512 (Benchmarks/Sources/BenchmarkSupport)")
print(
    "swift-protobuf decodes every hand-encoded request as the same message; byte-identical: \(identical) of \(batches.count)"
)
print("| encoding | bytes/span | ns/span (median of 7) |")
print("|---|---|---|")
for (index, encoder) in encoders.enumerated() {
    print(
        String(
            format: "| %@ | %.2f | %.0f |", encoder.0, Double(sizes[index]) / Double(spans.count),
            median(samples[index]) / Double(spans.count) * 1e9))
}
print(
    String(
        format: "swift-protobuf / hand-written, time: %.2fx",
        median(samples[1]) / median(samples[0])))
