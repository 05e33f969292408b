// OTLPProtobuf: a hand-written encoding of the spans as an OTLP ExportTraceServiceRequest, the second size peer.

import TraceKit

/// Just enough protobuf to encode OTLP trace data (opentelemetry/proto/trace/v1/trace.proto).
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    mutating func tag(_ field: UInt64, _ wireType: UInt64) { varint(field << 3 | wireType) }

    mutating func fixed64(_ field: UInt64, _ value: UInt64) {
        tag(field, 1)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func lengthDelimited(_ field: UInt64, _ content: [UInt8]) {
        tag(field, 2)
        varint(UInt64(content.count))
        bytes.append(contentsOf: content)
    }

    mutating func string(_ field: UInt64, _ value: String) { lengthDelimited(field, Array(value.utf8)) }

    mutating func message(_ field: UInt64, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        lengthDelimited(field, inner.bytes)
    }
}

enum OTLPProtobuf {
    static func bigEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    static func anyValue(_ writer: inout ProtobufWriter, _ value: AttributeValue) {
        switch value {
        case .string(let string): writer.string(1, string)
        case .bool(let bool): writer.tag(2, 0); writer.varint(bool ? 1 : 0)
        case .int(let int): writer.tag(3, 0); writer.varint(UInt64(bitPattern: int))
        case .double(let double): writer.fixed64(4, double.bitPattern)
        case .stringArray(let values):
            writer.message(5) { array in for v in values { array.message(1) { $0.string(1, v) } } }
        case .intArray(let values):
            writer.message(5) { array in
                for v in values {
                    array.message(1) {
                        $0.tag(3, 0); $0.varint(UInt64(bitPattern: v))
                    }
                }
            }
        case .doubleArray(let values):
            writer.message(5) { array in for v in values { array.message(1) { $0.fixed64(4, v.bitPattern) } } }
        case .boolArray(let values):
            writer.message(5) { array in
                for v in values {
                    array.message(1) {
                        $0.tag(2, 0); $0.varint(v ? 1 : 0)
                    }
                }
            }
        }
    }

    static func keyValue(_ writer: inout ProtobufWriter, field: UInt64, _ attribute: TraceAttribute) {
        writer.message(field) { kv in
            kv.string(1, attribute.key)
            kv.message(2) { anyValue(&$0, attribute.value) }
        }
    }

    /// One ExportTraceServiceRequest: ResourceSpans(resource, ScopeSpans(scope, spans)), as exporters batch them
    /// (512 spans per request, like the OpenTelemetry SDK's default batch size).
    static func requests(_ spans: [SpanRecord], resource: Resource) -> [UInt8] {
        var all: [UInt8] = []
        var start = 0
        while start < spans.count {
            let batch = spans[start..<min(start + 512, spans.count)]
            start += 512
            var request = ProtobufWriter()
            request.message(1) { resourceSpans in
                resourceSpans.message(1) { res in
                    keyValue(&res, field: 1, TraceAttribute(key: "service.name", value: .string(resource.serviceName)))
                    keyValue(&res, field: 1, TraceAttribute(key: "host.name", value: .string(resource.hostName)))
                }
                resourceSpans.message(2) { scope in
                    scope.message(1) {
                        $0.string(1, "TraceKit"); $0.string(2, resource.libraryVersion)
                    }
                    for span in batch {
                        scope.message(2) { s in
                            s.lengthDelimited(1, bigEndian(span.traceID.high) + bigEndian(span.traceID.low))
                            s.lengthDelimited(2, bigEndian(span.spanID.rawValue))
                            if let parent = span.parentSpanID { s.lengthDelimited(4, bigEndian(parent.rawValue)) }
                            s.string(5, span.name)
                            s.tag(6, 0)
                            s.varint(UInt64(span.kind.rawValue) + 1)
                            s.fixed64(7, span.startUnixNanoseconds)
                            s.fixed64(8, span.endUnixNanoseconds)
                            for attribute in span.attributes { keyValue(&s, field: 9, attribute) }
                            switch span.status {
                            case .unset: break
                            case .ok:
                                s.message(15) {
                                    $0.tag(3, 0); $0.varint(1)
                                }
                            case .error(let message):
                                s.message(15) {
                                    $0.string(2, message); $0.tag(3, 0); $0.varint(2)
                                }
                            }
                        }
                    }
                }
            }
            all += request.bytes
        }
        return all
    }
}
