// SpanColumnsDecoder: reads a span columns record (format version 2) back into spans.

import TraceKit

extension BlockDecoder {
    /// One shape of the record: what spans of that shape share. A class, so taking a span's shape costs one
    /// reference count, not a copy of every field.
    private final class Shape {
        let name: String
        let kind: SpanRecord.Kind
        let status: SpanRecord.Status
        let hasEvents: Bool
        let hasLimitCounts: Bool
        // Unchecked: set while the record's columns are bound, then only read, by the one thread decoding it.
        @exclusivity(unchecked) var slots: [Slot]
        /// Whether the slots' keys are distinct (then the attributes are adopted as they are).
        let distinctKeys: Bool
        /// With repeated keys: per slot, the attribute it sets (a repeated key keeps its first position and
        /// its last value, as `TraceAttributes` does), and how many attributes there are.
        let outputPositions: [Int]
        let outputCount: Int
        /// Where this shape's slots start in the per-record `lastStrings`.
        @exclusivity(unchecked) var firstSlot = 0
        /// The slots a span of this shape reads: the wanted ones, and unwanted ones whose value sits in the shared
        /// extra column and must be read past. Set with `isWanted`.
        @exclusivity(unchecked) var readPositions: [Int] = []

        init(
            name: String, kind: SpanRecord.Kind, status: SpanRecord.Status, hasEvents: Bool, hasLimitCounts: Bool,
            slots: [Slot]
        ) {
            self.name = name
            self.kind = kind
            self.status = status
            self.hasEvents = hasEvents
            self.hasLimitCounts = hasLimitCounts
            self.slots = slots
            // Usually a handful of distinct keys: compared pairwise (string index first, then text, as a table may
            // hold the same text twice), with a dictionary only for many slots.
            var positions: [Int] = []
            positions.reserveCapacity(slots.count)
            var outputCount = 0
            if slots.count <= 16 {
                for (index, slot) in slots.enumerated() {
                    let earlier = slots[..<index].firstIndex { $0.keyIndex == slot.keyIndex || $0.key == slot.key }
                    if let earlier {
                        positions.append(positions[earlier])
                    } else {
                        positions.append(outputCount)
                        outputCount += 1
                    }
                }
            } else {
                var firstPosition: [String: Int] = [:]
                for slot in slots {
                    if let known = firstPosition[slot.key] {
                        positions.append(known)
                    } else {
                        firstPosition[slot.key] = firstPosition.count
                        positions.append(firstPosition.count - 1)
                    }
                }
                outputCount = firstPosition.count
            }
            self.outputPositions = positions
            self.outputCount = outputCount
            self.distinctKeys = outputCount == slots.count
        }
    }

    /// One attribute of a shape; `column` indexes the keyed column readers (-1: the value needs none).
    private struct Slot {
        var key: String
        var keyIndex: Int
        var type: LogFormat.ValueType
        var column = -1
        /// Whether the sink wants the value; when not, a value of its own column is not read at all.
        var isWanted = true
    }

    /// Decodes a span columns record (type 0x05) and appends its spans to `entries`.
    mutating func readSpanColumns(_ record: inout PayloadReader, into entries: inout [LogEntry]) throws(PayloadError) {
        var sink = RecordsSink(entries: entries)
        entries = []
        defer { entries = sink.entries }
        try readSpanColumns(&record, sink: &sink)
    }

    /// Decodes a span columns record (type 0x05) and appends its spans to `batch`; with `attributeKeys`, only the
    /// values of those keys (the columns of others are not read).
    mutating func readSpanColumns(
        _ record: inout PayloadReader, attributeKeys: Set<String>? = nil, into batch: inout SpanBatch
    ) throws(PayloadError) {
        var sink = BatchSink(batch: batch)
        sink.attributeKeys = attributeKeys
        batch = SpanBatch()
        defer {
            // Also when the record turns out damaged: the spans before the damage are kept, as for records.
            sink.finish()
            batch = sink.batch
        }
        try readSpanColumns(&record, sink: &sink)
    }

    private mutating func readSpanColumns(
        _ record: inout PayloadReader, sink: inout some DecodedSpanSink
    ) throws(PayloadError) {
        let count = try record.readCount()  // every span takes at least its flags byte
        let shapeCount = try record.readCount()
        var shapes: [Shape] = []
        shapes.reserveCapacity(shapeCount)
        for _ in 0..<shapeCount { shapes.append(try readShape(&record)) }

        let columnCount = try record.readCount()
        var directory: [(id: UInt64, length: Int)] = []
        directory.reserveCapacity(columnCount)
        for _ in 0..<columnCount {
            let id = try record.readVarint()
            directory.append((id, try record.readCount()))
        }
        let empty = PayloadReader(record.bytes, from: record.end, to: record.end)
        var fixed = [PayloadReader](repeating: empty, count: SpanColumn.fixedCount)
        var seenFixed = [Bool](repeating: false, count: Int(SpanColumn.firstKeyed))
        var keyed: [PayloadReader] = []
        var keyedColumnByID: [UInt64: Int] = [:]
        var bits = BitReader(record.bytes, from: record.end, to: record.end)
        var offset = record.position
        for (id, length) in directory {
            guard length <= record.end - offset else {
                throw PayloadError(position: offset, reason: "column \(id) runs past the record")
            }
            let reader = PayloadReader(record.bytes, from: offset, to: offset + length)
            if id < SpanColumn.firstKeyed {
                guard !seenFixed[Int(id)] else { throw PayloadError(position: offset, reason: "column \(id) twice") }
                seenFixed[Int(id)] = true
            }
            if id < UInt64(SpanColumn.fixedCount) {
                fixed[Int(id)] = reader
                if id == UInt64(SpanColumn.bits) { bits = BitReader(record.bytes, from: offset, to: offset + length) }
            } else if id >= SpanColumn.firstKeyed {
                guard keyedColumnByID[id] == nil else {
                    throw PayloadError(position: offset, reason: "column \(id) twice")
                }
                guard (id - SpanColumn.firstKeyed) / 2 < UInt64(strings.count) else {
                    throw PayloadError(position: offset, reason: "column \(id) names no key of the string table")
                }
                keyedColumnByID[id] = keyed.count
                keyed.append(reader)
            }  // Ids 12-15 are reserved: a newer writer's column, skipped.
            offset += length
        }
        keyed.append(empty)  // Slots whose key has no column read from this one and fail if they need a value.
        for shape in shapes.indices {
            for slot in shapes[shape].slots.indices {
                let keyColumn = SpanColumn.firstKeyed + 2 * UInt64(shapes[shape].slots[slot].keyIndex)
                switch shapes[shape].slots[slot].type {
                case .string: shapes[shape].slots[slot].column = keyedColumnByID[keyColumn] ?? keyed.count - 1
                case .int: shapes[shape].slots[slot].column = keyedColumnByID[keyColumn + 1] ?? keyed.count - 1
                default: break
                }
            }
        }

        var slotTotal = 0
        for shape in shapes.indices {
            shapes[shape].firstSlot = slotTotal
            slotTotal += shapes[shape].slots.count
        }
        var lastStrings = [UInt64](repeating: 0, count: slotTotal)
        // Bool slots take no bytes, so a record's byte count does not bound the attributes it decodes to.
        var slotsLeft = SpanColumn.maxAttributeSlotsPerRecord
        var pending = ChildExtents(capacity: 256)
        var previousCounter: UInt64 = 0
        var previousEnd: UInt64 = 0
        // The fixed columns as local variables: read once or more per span, they stay out of the array.
        var flagsColumn = fixed[SpanColumn.flags]
        var shapeColumn = fixed[SpanColumn.shape]
        var spanIDColumn = fixed[SpanColumn.spanID]
        var traceIDColumn = fixed[SpanColumn.traceID]
        var parentIDColumn = fixed[SpanColumn.parentID]
        var leadColumn = fixed[SpanColumn.leadClass]
        var trailColumn = fixed[SpanColumn.trailClass]
        var gapColumn = fixed[SpanColumn.gapClass]
        var durationColumn = fixed[SpanColumn.durationClass]
        var extraColumn = fixed[SpanColumn.extra]
        var thresholdColumn = fixed[SpanColumn.samplingThreshold]
        let readsThresholds = seenFixed[SpanColumn.samplingThreshold]
        var threshold: UInt64 = 0
        for shape in shapes {
            for slot in shape.slots.indices { shape.slots[slot].isWanted = sink.wants(shape.slots[slot].key) }
            shape.readPositions = shape.slots.indices.filter { position in
                switch shape.slots[position].type {
                case .double, .stringArray, .intArray, .doubleArray, .boolArray: return true
                case .string, .int, .boolFalse, .boolTrue: return shape.slots[position].isWanted
                }
            }
        }
        sink.begin(spanCount: count, shapes: shapes)
        // What the loop needs per shape, in plain arrays: most spans then never touch their shape object (whose
        // reference count would otherwise change twice per span).
        let slotCounts = shapes.map { $0.slots.count }
        let readsSlots = shapes.map { !$0.readPositions.isEmpty }
        let hasEvents = shapes.map(\.hasEvents)
        let hasLimitCounts = shapes.map(\.hasLimitCounts)
        for _ in 0..<count {
            let flags = try flagsColumn.readByte()
            guard flags & ~SpanColumn.Flag.known == 0 else {
                throw PayloadError(position: flagsColumn.position, reason: "unknown span flags \(flags)")
            }
            let shapeIndex = try shapeColumn.readVarint()
            guard shapeIndex < UInt64(shapes.count) else {
                throw PayloadError(position: shapeColumn.position, reason: "shape \(shapeIndex) unknown")
            }
            let shapeNumber = Int(shapeIndex)
            var counterFlags = SpanColumn.Flag.spanIsCounter | SpanColumn.Flag.traceIsCounter
            if flags & SpanColumn.Flag.hasParent != 0 { counterFlags |= SpanColumn.Flag.parentIsCounter }
            if flags & counterFlags != 0 && identifiers == nil {
                throw PayloadError(
                    position: flagsColumn.position, reason: "counter-coded id in a block without id keys")
            }
            let spanID: SpanID
            if flags & SpanColumn.Flag.spanIsCounter != 0, let identifiers {
                previousCounter = try spanIDColumn.readDelta(from: previousCounter)
                spanID = SpanID(rawValue: identifiers.spanID.apply(previousCounter))
            } else {
                spanID = SpanID(rawValue: try spanIDColumn.readFixed64())
            }
            let traceID: TraceID
            if flags & SpanColumn.Flag.traceIsCounter != 0, let identifiers {
                let counter = try traceIDColumn.readDelta(from: previousCounter)
                traceID = TraceID(high: identifiers.traceIDHigh, low: identifiers.traceIDLow.apply(counter))
            } else {
                let high = try traceIDColumn.readFixed64()
                traceID = TraceID(high: high, low: try traceIDColumn.readFixed64())
            }
            var parentSpanID: SpanID?
            if flags & SpanColumn.Flag.hasParent != 0 {
                if flags & SpanColumn.Flag.parentIsCounter != 0, let identifiers {
                    let counter = try parentIDColumn.readDelta(from: previousCounter)
                    parentSpanID = SpanID(rawValue: identifiers.spanID.apply(counter))
                } else {
                    parentSpanID = SpanID(rawValue: try parentIDColumn.readFixed64())
                }
            }

            let start: UInt64
            let end: UInt64
            if flags & SpanColumn.Flag.closesChildren != 0 {
                guard let children = pending.remove(spanID.rawValue) else {
                    throw PayloadError(
                        position: flagsColumn.position, reason: "span closes children it does not have")
                }
                let lead = try Self.readSigned(&leadColumn, &bits)
                let trail = try Self.readSigned(&trailColumn, &bits)
                start = children.start &- UInt64(bitPattern: lead)
                end = children.end &+ UInt64(bitPattern: trail)
            } else {
                let gap = try Self.readSigned(&gapColumn, &bits)
                start = previousEnd &+ UInt64(bitPattern: gap)
                end = start &+ (try Self.readUnsigned(&durationColumn, &bits))
            }
            previousEnd = end
            if let parentSpanID { pending.widen(parentSpanID.rawValue, start: start, end: end) }

            slotsLeft -= slotCounts[shapeNumber]
            guard slotsLeft >= 0 else {
                throw PayloadError(
                    position: shapeColumn.position,
                    reason: "more than \(SpanColumn.maxAttributeSlotsPerRecord) attributes in one record")
            }
            sink.beginSpan(slotCount: slotCounts[shapeNumber])
            // By index, reading only the fields needed: copying a slot out would retain its key for every value.
            if readsSlots[shapeNumber] {
                try readSlots(
                    of: shapes[shapeNumber], keyed: &keyed, extra: &extraColumn, lastStrings: &lastStrings,
                    sink: &sink)
            }

            var events: [SpanRecord.Event] = []
            if hasEvents[shapeNumber] {
                let eventCount = try extraColumn.readCount()
                events.reserveCapacity(eventCount)
                for _ in 0..<eventCount {
                    let name = try string(&extraColumn)
                    let time = try extraColumn.readDelta(from: start)
                    let eventAttributes = try readAttributes(&extraColumn)
                    events.append(SpanRecord.Event(name: name, timeUnixNanoseconds: time, attributes: eventAttributes))
                }
            }
            var limitCounts: (UInt32, UInt32, UInt32) = (0, 0, 0)
            if hasLimitCounts[shapeNumber] {
                limitCounts = (
                    UInt32(truncatingIfNeeded: try extraColumn.readVarint()),
                    UInt32(truncatingIfNeeded: try extraColumn.readVarint()),
                    UInt32(truncatingIfNeeded: try extraColumn.readVarint())
                )
            }
            if readsThresholds {
                threshold = try thresholdColumn.readDelta(from: threshold)
                guard threshold < Sampler.maxThreshold else {
                    throw PayloadError(
                        position: thresholdColumn.position, reason: "sampling threshold \(threshold) out of range")
                }
            }
            sink.endSpan(
                traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, start: start, end: end,
                shapeIndex: shapeNumber, events: events, limitCounts: limitCounts, samplingThreshold: threshold)
        }
    }

    /// The attribute values of one span of `shape`, from the keyed columns and `extra`, to `sink`.
    @inline(__always)
    private func readSlots(
        of shape: Shape, keyed: inout [PayloadReader], extra extraColumn: inout PayloadReader,
        lastStrings: inout [UInt64], sink: inout some DecodedSpanSink
    ) throws(PayloadError) {
        for position in shape.readPositions {
            let type = shape.slots[position].type
            let column = shape.slots[position].column
            guard shape.slots[position].isWanted else {
                // Doubles and arrays share the extra column with what follows: read past them.
                switch type {
                case .double: _ = try extraColumn.readFixed64()
                case .stringArray, .intArray, .doubleArray, .boolArray: _ = try readArray(type, &extraColumn)
                case .string, .int, .boolFalse, .boolTrue: break
                }
                continue
            }
            let value: AttributeValue
            switch type {
            case .string:
                let coded = try keyed[column].readVarint()
                let reference = coded == 0 ? lastStrings[shape.firstSlot + position] : coded
                guard reference != 0, reference <= UInt64(strings.count) else {
                    throw PayloadError(
                        position: keyed[column].position, reason: "string value \(coded) outside the table")
                }
                lastStrings[shape.firstSlot + position] = reference
                value = .string(strings[Int(reference - 1)])
            case .int:
                value = .int(try keyed[column].readSigned())
            case .boolFalse:
                value = .bool(false)
            case .boolTrue:
                value = .bool(true)
            case .double:
                value = .double(Double(bitPattern: try extraColumn.readFixed64()))
            case .stringArray, .intArray, .doubleArray, .boolArray:
                value = try readArray(type, &extraColumn)
            }
            sink.append(value, key: shape.slots[position].key)
        }
    }

    /// Where decoded spans go: `SpanRecord` entries, or a `SpanBatch`.
    private protocol DecodedSpanSink {
        /// Whether values of attribute `key` are wanted.
        func wants(_ key: String) -> Bool
        mutating func begin(spanCount: Int, shapes: [Shape])
        mutating func beginSpan(slotCount: Int)
        /// One attribute value of the current span, in shape order.
        mutating func append(_ value: AttributeValue, key: String)
        mutating func endSpan(
            traceID: TraceID, spanID: SpanID, parentSpanID: SpanID?, start: UInt64, end: UInt64, shapeIndex: Int,
            events: [SpanRecord.Event], limitCounts: (UInt32, UInt32, UInt32), samplingThreshold: UInt64)
    }

    /// Builds a `SpanRecord` per span: one exact-size attribute array, adopted without a copy.
    private struct RecordsSink: DecodedSpanSink {
        var entries: [LogEntry]
        private var pairs: [(String, AttributeValue)] = []
        private var shapes: [Shape] = []

        init(entries: [LogEntry]) { self.entries = entries }

        func wants(_ key: String) -> Bool { true }

        mutating func begin(spanCount: Int, shapes: [Shape]) {
            entries.reserveCapacity(entries.count + spanCount)
            self.shapes = shapes
        }

        @inline(__always)
        mutating func beginSpan(slotCount: Int) {
            pairs.reserveCapacity(slotCount)
        }

        @inline(__always)
        mutating func append(_ value: AttributeValue, key: String) {
            pairs.append((key, value))
        }

        @inline(__always)
        mutating func endSpan(
            traceID: TraceID, spanID: SpanID, parentSpanID: SpanID?, start: UInt64, end: UInt64, shapeIndex: Int,
            events: [SpanRecord.Event], limitCounts: (UInt32, UInt32, UInt32), samplingThreshold: UInt64
        ) {
            let shape = shapes[shapeIndex]
            var attributes: [(String, AttributeValue)] = []
            swap(&attributes, &pairs)
            if !shape.distinctKeys {
                // Linear, not quadratic, in the slots: each slot overwrites its key's one attribute.
                var merged = [(String, AttributeValue)](repeating: ("", .bool(false)), count: shape.outputCount)
                for (slot, pair) in attributes.enumerated() { merged[shape.outputPositions[slot]] = pair }
                attributes = merged
            }
            entries.append(
                .span(
                    SpanRecord(
                        traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, name: shape.name,
                        kind: shape.kind, status: shape.status, startUnixNanoseconds: start,
                        durationNanoseconds: end &- start,
                        attributes: TraceAttributes(adoptingDistinctPairs: attributes), events: events,
                        droppedAttributeCount: limitCounts.0, droppedEventCount: limitCounts.1,
                        truncatedValueCount: limitCounts.2, samplingThreshold: samplingThreshold)))
        }
    }

    /// Appends every span to a `SpanBatch`: no allocation per span. The columns are built here, in this module
    /// where appending inlines, and handed to the batch once per record.
    private struct BatchSink: DecodedSpanSink {
        var batch: SpanBatch
        /// The attribute keys whose values are wanted (nil: all).
        var attributeKeys: Set<String>?
        /// Index in `batch.shapes` of this record's shape 0.
        private var firstShape = 0
        private var traceIDs = ColumnBuilder<TraceID>()
        private var spanIDs = ColumnBuilder<SpanID>()
        private var parentSpanIDs = ColumnBuilder<SpanID?>()
        private var starts = ColumnBuilder<UInt64>()
        private var durations = ColumnBuilder<UInt64>()
        private var shapeIndexes = ColumnBuilder<Int32>()
        private var valueStarts = ColumnBuilder<Int32>()
        private var values: [AttributeValue] = []
        private var extras: [Int: SpanBatch.Extra] = [:]
        /// Per span, from the first span with a sampling threshold on (empty while every one is 0).
        private var thresholds: [UInt64] = []
        /// Where the current span's values start.
        private var valueStart = 0
        /// How many spans the columns hold so far (fewer than sized for when the record is damaged).
        private var written = 0

        init(batch: SpanBatch) { self.batch = batch }

        func wants(_ key: String) -> Bool { attributeKeys?.contains(key) ?? true }

        mutating func begin(spanCount: Int, shapes: [Shape]) {
            firstShape = batch.shapes.count
            for shape in shapes {
                _ = batch.appendShape(
                    SpanBatch.Shape(
                        name: shape.name, kind: shape.kind, status: shape.status,
                        keys: shape.slots.filter(\.isWanted).map(\.key)))
            }
            // Sized up front and filled by index: appending to arrays cost more than decoding the fields.
            written = 0
            thresholds = []
            traceIDs.allocate(spanCount)
            spanIDs.allocate(spanCount)
            parentSpanIDs.allocate(spanCount)
            starts.allocate(spanCount)
            durations.allocate(spanCount)
            shapeIndexes.allocate(spanCount)
            valueStarts.allocate(spanCount)
            // Room for the values of a typical record: the most wanted slots of any shape for every span, but never
            // more than a record may hold (both counts come from the file).
            let wantedPerSpan = shapes.lazy.map { $0.slots.lazy.filter(\.isWanted).count }.max() ?? 0
            values.reserveCapacity(min(spanCount * wantedPerSpan, SpanColumn.maxAttributeSlotsPerRecord))
        }

        @inline(__always)
        mutating func beginSpan(slotCount: Int) {
            valueStart = values.count
        }

        @inline(__always)
        mutating func append(_ value: AttributeValue, key: String) {
            values.append(value)
        }

        @inline(__always)
        mutating func endSpan(
            traceID: TraceID, spanID: SpanID, parentSpanID: SpanID?, start: UInt64, end: UInt64, shapeIndex: Int,
            events: [SpanRecord.Event], limitCounts: (UInt32, UInt32, UInt32), samplingThreshold: UInt64
        ) {
            // The decoder ends at most `spanCount` spans, the size of every column.
            let index = written
            if samplingThreshold != 0 || !thresholds.isEmpty {
                if thresholds.isEmpty { thresholds = Array(repeating: 0, count: index) }
                thresholds.append(samplingThreshold)
            }
            traceIDs[index] = traceID
            spanIDs[index] = spanID
            parentSpanIDs[index] = parentSpanID
            starts[index] = start
            durations[index] = end &- start
            shapeIndexes[index] = Int32(truncatingIfNeeded: firstShape + shapeIndex)
            valueStarts[index] = Int32(truncatingIfNeeded: valueStart)
            written += 1
            guard !events.isEmpty || limitCounts.0 | limitCounts.1 | limitCounts.2 != 0 else { return }
            extras[index] = SpanBatch.Extra(
                events: events, droppedAttributeCount: limitCounts.0, droppedEventCount: limitCounts.1,
                truncatedValueCount: limitCounts.2)
        }

        /// Hands the record's spans (those ended, also when the record is damaged) to `batch`.
        mutating func finish() {
            batch.appendColumns(
                traceIDs: traceIDs.finish(count: written), spanIDs: spanIDs.finish(count: written),
                parentSpanIDs: parentSpanIDs.finish(count: written),
                startUnixNanoseconds: starts.finish(count: written),
                durationNanoseconds: durations.finish(count: written),
                shapeIndexes: shapeIndexes.finish(count: written), valueStarts: valueStarts.finish(count: written),
                values: values, extras: extras, samplingThresholds: thresholds)
        }
    }

    private func readShape(_ reader: inout PayloadReader) throws(PayloadError) -> Shape {
        let name = try string(&reader)
        let flags = try reader.readByte()
        guard flags & ~SpanColumn.ShapeFlag.known == 0,
            let kind = SpanRecord.Kind(rawValue: flags & SpanColumn.ShapeFlag.kindMask)
        else {
            throw PayloadError(position: reader.position, reason: "unknown shape flags \(flags)")
        }
        let status: SpanRecord.Status
        switch (flags & SpanColumn.ShapeFlag.statusMask) >> SpanColumn.ShapeFlag.statusShift {
        case 0: status = .unset
        case 1: status = .ok
        case 2: status = .error(message: try string(&reader))
        default: throw PayloadError(position: reader.position, reason: "unknown span status")
        }
        let slotCount = try reader.readCount()
        var slots: [Slot] = []
        slots.reserveCapacity(slotCount)
        for _ in 0..<slotCount {
            let keyIndex = try reader.readVarint()
            guard keyIndex < UInt64(strings.count) else {
                throw PayloadError(position: reader.position, reason: "string reference \(keyIndex) outside the table")
            }
            let tag = try reader.readByte()
            guard let type = LogFormat.ValueType(rawValue: tag) else {
                throw PayloadError(position: reader.position - 1, reason: "unknown attribute type \(tag)")
            }
            slots.append(Slot(key: strings[Int(keyIndex)], keyIndex: Int(keyIndex), type: type))
        }
        return Shape(
            name: name, kind: kind, status: status, hasEvents: flags & SpanColumn.ShapeFlag.hasEvents != 0,
            hasLimitCounts: flags & SpanColumn.ShapeFlag.hasLimitCounts != 0, slots: slots)
    }

    /// An array attribute value in its version 1 encoding (count, then items).
    private func readArray(_ type: LogFormat.ValueType, _ reader: inout PayloadReader) throws(PayloadError)
        -> AttributeValue
    {
        let count = try reader.readCount()
        switch type {
        case .stringArray:
            var values: [String] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try string(&reader)) }
            return .stringArray(values)
        case .intArray:
            var values: [Int64] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try reader.readSigned()) }
            return .intArray(values)
        case .doubleArray:
            var values: [Double] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(Double(bitPattern: try reader.readFixed64())) }
            return .doubleArray(values)
        default:
            var values: [Bool] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try reader.readByte() != 0) }
            return .boolArray(values)
        }
    }

    /// A class-coded unsigned value: class byte from `column`, mantissa bits from `bits`.
    @inline(__always)
    private static func readUnsigned(_ column: inout PayloadReader, _ bits: inout BitReader) throws(PayloadError)
        -> UInt64
    {
        let length = Int(try column.readByte())
        guard length <= 64 else { throw PayloadError(position: column.position, reason: "class \(length) too large") }
        guard length >= 2 else { return UInt64(length) }
        return (1 << UInt64(length - 1)) | (try bits.read(bits: length - 1))
    }

    /// A class-coded signed value (class = 2 * bit length + sign).
    @inline(__always)
    private static func readSigned(_ column: inout PayloadReader, _ bits: inout BitReader) throws(PayloadError)
        -> Int64
    {
        let classByte = try column.readByte()
        let length = Int(classByte >> 1)
        guard length <= 64 else {
            throw PayloadError(position: column.position, reason: "class \(classByte) too large")
        }
        let magnitude: UInt64 =
            length >= 2 ? (1 << UInt64(length - 1)) | (try bits.read(bits: length - 1)) : UInt64(length)
        return classByte & 1 == 0 ? Int64(bitPattern: magnitude) : Int64(bitPattern: 0 &- magnitude)
    }
}
