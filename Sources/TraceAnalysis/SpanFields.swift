// SpanFields: the fields derivation reads from a span, from a SpanRecord or from a span of a SpanBatch.

import TraceKit

/// What deriving metrics reads from a span; a `SpanRecord` and a span of a `SpanBatch` both provide it, so the
/// same derivation code serves records and batches.
protocol SpanFields {
    var name: String { get }
    var kind: SpanRecord.Kind { get }
    var isError: Bool { get }
    var traceID: TraceID { get }
    var spanID: SpanID { get }
    var parentSpanID: SpanID? { get }
    var startUnixNanoseconds: UInt64 { get }
    var durationNanoseconds: UInt64 { get }
    var samplingThreshold: UInt64 { get }
    func attribute(_ key: String) -> AttributeValue?
}

extension SpanFields {
    var endUnixNanoseconds: UInt64 { startUnixNanoseconds &+ durationNanoseconds }
    /// How many spans this one counts as in derived metrics (`SamplingWeight`).
    var samplingWeight: Int { SamplingWeight.of(threshold: samplingThreshold, spanID: spanID) }
}

extension SpanRecord: SpanFields {
    var isError: Bool { status.isError }

    @inline(__always)
    func attribute(_ key: String) -> AttributeValue? { attributes[key] }
}

/// Span `index` of a batch, read in place: the shape and values are borrowed, not copied per span.
struct BatchSpan: SpanFields {
    let shape: SpanBatch.Shape
    let values: UnsafeBufferPointer<AttributeValue>
    let firstValue: Int
    let traceID: TraceID
    let spanID: SpanID
    let parentSpanID: SpanID?
    let startUnixNanoseconds: UInt64
    let durationNanoseconds: UInt64
    let samplingThreshold: UInt64

    var name: String { shape.name }
    var kind: SpanRecord.Kind { shape.kind }
    var isError: Bool { shape.status.isError }

    @inline(__always)
    func attribute(_ key: String) -> AttributeValue? {
        guard let slot = shape.slot(of: key) else { return nil }
        return values[firstValue + slot]
    }
}
