// SpanBatch: many spans stored column by column, as a trace log block decodes, without a SpanRecord per span.

/// Many spans stored field by field, as a trace log block holds them: for consumers that read spans in bulk and
/// need their fields, not a `SpanRecord` per span (no attribute array and no reference counts per span).
/// `record(at:)` makes the `SpanRecord` of one span when it is needed.
///
/// Spans of the same name, kind, status and attribute keys share a ``Shape``; span `i`'s attribute values are
/// `values[valueStarts[i] ..< valueStarts[i] + shape.keys.count]`, in the order of the shape's keys.
///
/// ```swift
/// for case .spans(let batch) in try LogBatchReader(path: "app.tklog") {
///     for index in 0..<batch.count where batch.durationNanoseconds[index] > 1_000_000 {
///         print(batch.shape(at: index).name, batch.attribute("http.route", at: index) ?? "-")
///     }
/// }
/// ```
public struct SpanBatch: Sendable {
    /// What the spans of one shape share.
    public struct Shape: Sendable, Hashable {
        public let name: String
        public let kind: SpanRecord.Kind
        public let status: SpanRecord.Status
        /// The attribute keys, in order; a key may repeat (its last value counts, as in `TraceAttributes`).
        public let keys: [String]

        public init(name: String, kind: SpanRecord.Kind, status: SpanRecord.Status, keys: [String]) {
            self.name = name
            self.kind = kind
            self.status = status
            self.keys = keys
        }

        /// The position of `key`'s value among a span's values (its last occurrence), nil when absent.
        @inlinable
        public func slot(of key: String) -> Int? {
            keys.lastIndex(of: key)
        }
    }

    /// Events and limit counts, for the few spans that have them.
    public struct Extra: Sendable, Hashable {
        public var events: [SpanRecord.Event]
        public var droppedAttributeCount: UInt32
        public var droppedEventCount: UInt32
        public var truncatedValueCount: UInt32

        public init(
            events: [SpanRecord.Event], droppedAttributeCount: UInt32, droppedEventCount: UInt32,
            truncatedValueCount: UInt32
        ) {
            self.events = events
            self.droppedAttributeCount = droppedAttributeCount
            self.droppedEventCount = droppedEventCount
            self.truncatedValueCount = truncatedValueCount
        }
    }

    public package(set) var shapes: [Shape] = []
    public package(set) var traceIDs: [TraceID] = []
    public package(set) var spanIDs: [SpanID] = []
    public package(set) var parentSpanIDs: [SpanID?] = []
    public package(set) var startUnixNanoseconds: [UInt64] = []
    public package(set) var durationNanoseconds: [UInt64] = []
    /// Per span, the index of its shape in `shapes`.
    public package(set) var shapeIndexes: [Int32] = []
    /// Per span, where its attribute values start in `values`.
    public package(set) var valueStarts: [Int32] = []
    public package(set) var values: [AttributeValue] = []
    /// By span index: events and limit counts of the spans that have any.
    public package(set) var extras: [Int: Extra] = [:]
    /// Per span, its trace's sampling threshold (`SpanRecord.samplingThreshold`); empty when every span's is 0
    /// (no head sampling), as in most logs. Read it through `samplingThreshold(at:)`.
    public package(set) var samplingThresholds: [UInt64] = []

    /// An empty batch.
    public init() {}

    /// How many spans the batch holds.
    @inlinable
    public var count: Int { spanIDs.count }

    /// The shape of span `index`.
    @inlinable
    public func shape(at index: Int) -> Shape {
        shapes[Int(shapeIndexes[index])]
    }

    /// The value of span `index`'s attribute `key`, nil when it has none.
    @inlinable
    public func attribute(_ key: String, at index: Int) -> AttributeValue? {
        guard let slot = shapes[Int(shapeIndexes[index])].slot(of: key) else { return nil }
        return values[Int(valueStarts[index]) + slot]
    }

    /// The sampling threshold of span `index`'s trace; 0 when it was kept with certainty.
    @inlinable
    public func samplingThreshold(at index: Int) -> UInt64 {
        samplingThresholds.isEmpty ? 0 : samplingThresholds[index]
    }

    /// The end of span `index` (start plus duration, wrapping as the log does).
    @inlinable
    public func endUnixNanoseconds(at index: Int) -> UInt64 {
        startUnixNanoseconds[index] &+ durationNanoseconds[index]
    }

    /// Span `index` as a `SpanRecord`.
    public func record(at index: Int) -> SpanRecord {
        let shape = shape(at: index)
        let first = Int(valueStarts[index])
        var attributes = TraceAttributes()
        for (slot, key) in shape.keys.enumerated() { attributes[key] = values[first + slot] }
        let extra = extras[index]
        return SpanRecord(
            traceID: traceIDs[index], spanID: spanIDs[index], parentSpanID: parentSpanIDs[index], name: shape.name,
            kind: shape.kind, status: shape.status, startUnixNanoseconds: startUnixNanoseconds[index],
            durationNanoseconds: durationNanoseconds[index], attributes: attributes, events: extra?.events ?? [],
            droppedAttributeCount: extra?.droppedAttributeCount ?? 0,
            droppedEventCount: extra?.droppedEventCount ?? 0, truncatedValueCount: extra?.truncatedValueCount ?? 0,
            samplingThreshold: samplingThreshold(at: index))
    }

    /// Every span as a `SpanRecord`, in order.
    public var records: [SpanRecord] { (0..<count).map(record(at:)) }

    /// Appends a span of shape `shape` whose values start at `valueStart` in `values` (appended by the caller,
    /// before or after; by default next).
    package mutating func appendSpan(
        traceID: TraceID, spanID: SpanID, parentSpanID: SpanID?, start: UInt64, duration: UInt64, shape: Int,
        valueStart: Int? = nil, samplingThreshold: UInt64 = 0
    ) {
        if samplingThreshold != 0 || !samplingThresholds.isEmpty {
            if samplingThresholds.isEmpty { samplingThresholds = Array(repeating: 0, count: count) }
            samplingThresholds.append(samplingThreshold)
        }
        traceIDs.append(traceID)
        spanIDs.append(spanID)
        parentSpanIDs.append(parentSpanID)
        startUnixNanoseconds.append(start)
        durationNanoseconds.append(duration)
        shapeIndexes.append(Int32(truncatingIfNeeded: shape))
        valueStarts.append(Int32(truncatingIfNeeded: valueStart ?? values.count))
    }

    /// Appends `record`, adding its shape if new (`shapeIndex` remembers the shapes seen).
    package mutating func append(_ record: SpanRecord, shapeIndex: inout [Shape: Int]) {
        let shape = Shape(
            name: record.name, kind: record.kind, status: record.status, keys: record.attributes.map(\.key))
        let index: Int
        if let known = shapeIndex[shape] {
            index = known
        } else {
            index = shapes.count
            shapes.append(shape)
            shapeIndex[shape] = index
        }
        appendSpan(
            traceID: record.traceID, spanID: record.spanID, parentSpanID: record.parentSpanID,
            start: record.startUnixNanoseconds, duration: record.durationNanoseconds, shape: index,
            samplingThreshold: record.samplingThreshold)
        values.append(contentsOf: record.attributes.map(\.value))
        if !record.events.isEmpty
            || record.droppedAttributeCount | record.droppedEventCount | record.truncatedValueCount != 0
        {
            extras[count - 1] = Extra(
                events: record.events, droppedAttributeCount: record.droppedAttributeCount,
                droppedEventCount: record.droppedEventCount, truncatedValueCount: record.truncatedValueCount)
        }
    }

    /// Appends the shape `shape` and returns its index.
    package mutating func appendShape(_ shape: Shape) -> Int {
        shapes.append(shape)
        return shapes.count - 1
    }

    /// Appends the columns of several spans at once, as a decoder builds them: `valueStarts` count from the start
    /// of `values`, and `shapeIndexes` are already indexes into this batch's `shapes`; `extras` are keyed by span
    /// index among the new spans. An empty batch adopts the arrays without copying them.
    package mutating func appendColumns(
        traceIDs: [TraceID], spanIDs: [SpanID], parentSpanIDs: [SpanID?], startUnixNanoseconds: [UInt64],
        durationNanoseconds: [UInt64], shapeIndexes: [Int32], valueStarts: [Int32], values: [AttributeValue],
        extras: [Int: Extra], samplingThresholds: [UInt64] = []
    ) {
        if !samplingThresholds.isEmpty || !self.samplingThresholds.isEmpty {
            if self.samplingThresholds.isEmpty { self.samplingThresholds = Array(repeating: 0, count: count) }
            self.samplingThresholds +=
                samplingThresholds.isEmpty ? Array(repeating: 0, count: spanIDs.count) : samplingThresholds
        }
        guard count > 0 else {
            self.traceIDs = traceIDs
            self.spanIDs = spanIDs
            self.parentSpanIDs = parentSpanIDs
            self.startUnixNanoseconds = startUnixNanoseconds
            self.durationNanoseconds = durationNanoseconds
            self.shapeIndexes = shapeIndexes
            self.valueStarts = valueStarts
            self.values = values
            self.extras = extras
            return
        }
        let firstSpan = count
        let firstValue = Int32(truncatingIfNeeded: self.values.count)
        self.traceIDs += traceIDs
        self.spanIDs += spanIDs
        self.parentSpanIDs += parentSpanIDs
        self.startUnixNanoseconds += startUnixNanoseconds
        self.durationNanoseconds += durationNanoseconds
        self.shapeIndexes += shapeIndexes
        self.valueStarts += valueStarts.map { $0 &+ firstValue }
        self.values += values
        for (index, extra) in extras { self.extras[firstSpan + index] = extra }
    }
}
