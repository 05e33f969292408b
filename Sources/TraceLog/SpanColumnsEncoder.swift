// SpanColumnsEncoder: lays the spans of one block out as a span columns record (format version 2).

import TraceKit

/// Encodes a block's spans column by column (see `Docs/LogFormat.md` section 2.5): each field of every span
/// goes to its own column, so deflate sees similar bytes together; times are class bytes plus mantissa bits;
/// a parent's times are coded against its children's (which finish, and are written, before it); the span's
/// name, kind, status and attribute keys and types are interned per block as a "shape".
struct SpanColumnsEncoder {
    private struct KeyedColumns {
        var strings = PayloadWriter()
        var ints = PayloadWriter()
    }

    private var columns = [PayloadWriter](repeating: PayloadWriter(), count: SpanColumn.fixedCount)
    private var bits = BitWriter()
    /// By key string index; `nil` until the key's first value.
    private var keyed: [KeyedColumns?] = []
    /// Key string indexes with columns, in first-use order (the directory order).
    private var keyedOrder: [Int] = []
    private var shapeIndex = ShapeTable()
    private var shapeBytes = PayloadWriter()
    /// Per shape and attribute slot: the last string index + 1 written for it (0: none yet).
    private var lastStrings: [[UInt64]] = []
    private var signature: [UInt64] = []
    /// Per shape: its signature and the attribute keys it was made from.
    private var shapeSignatures: [[UInt64]] = []
    private var shapeKeys: [[String]] = []
    /// By name string index: the shapes with that name.
    private var shapesByName: [[Int]] = []
    /// Children's extent by parent span id, for parents still to come in this block.
    private var pending = ChildExtents()
    private var previousCounter: UInt64 = 0
    private var previousEnd: UInt64 = 0
    /// The last span's sampling threshold; the column starts with the first span whose threshold is not 0.
    private var previousThreshold: UInt64 = 0
    private var writesThresholds = false
    private(set) var count = 0
    /// Spans of this block whose times were coded against their children's.
    private(set) var parentsCodedAgainstChildren = 0
    /// Attribute slots of the spans so far (bounded per record by `SpanColumn.maxAttributeSlotsPerRecord`).
    private(set) var attributeSlots = 0

    var isEmpty: Bool { count == 0 }

    /// The size of the record (type byte and length included) if sealed now; 0 without spans.
    var recordSize: Int {
        guard count > 0 else { return 0 }
        let body = bodySize
        return 1 + PayloadWriter.varintSize(UInt64(body)) + body
    }

    private var bodySize: Int {
        var size = PayloadWriter.varintSize(UInt64(count)) + PayloadWriter.varintSize(UInt64(shapeIndex.count))
        size += shapeBytes.count
        var columnCount = 0
        forEachColumn { id, length in
            columnCount += 1
            size += PayloadWriter.varintSize(id) + PayloadWriter.varintSize(UInt64(length)) + length
        }
        return size + PayloadWriter.varintSize(UInt64(columnCount))
    }

    /// Calls `body` with the id and length of every non-empty column, in directory order.
    private func forEachColumn(_ body: (UInt64, Int) -> Void) {
        for id in 0..<SpanColumn.fixedCount {
            let length = id == SpanColumn.bits ? bits.byteCount : columns[id].count
            if length > 0 { body(UInt64(id), length) }
        }
        for key in keyedOrder {
            guard let key = keyed[key].map({ (key, $0) }) else { continue }
            if key.1.strings.count > 0 { body(SpanColumn.firstKeyed + 2 * UInt64(key.0), key.1.strings.count) }
            if key.1.ints.count > 0 { body(SpanColumn.firstKeyed + 2 * UInt64(key.0) + 1, key.1.ints.count) }
        }
    }

    /// An upper bound of how much appending `span` can grow the payload (record, string table and all).
    func growthBound(of span: SpanRecord) -> Int {
        typealias Size = GrowthBound
        var bound = Size.perSpan + InternedStrings.bound(span.name)
        if case .error(let message) = span.status { bound += InternedStrings.bound(message) + Size.varint }
        bound += Size.perAttributeList + Self.attributesBound(span.attributes)
        // Columns this span may create (the fixed ones, two per attribute key), and every existing column's
        // length varint growing by a byte.
        bound += (SpanColumn.fixedCount + 2 * span.attributes.count) * Size.newColumn
        bound += SpanColumn.fixedCount + 2 * keyedOrder.count
        for event in span.events {
            bound += InternedStrings.bound(event.name) + Size.perEvent + Self.attributesBound(event.attributes)
        }
        // A first non-zero threshold writes a zero for every span before it.
        if span.samplingThreshold != 0 || writesThresholds { bound += Size.varint + (writesThresholds ? 0 : count) }
        return bound + Size.slack
    }

    /// The constants of `growthBound(of:)`, each above the most the part it covers can take (a test checks the
    /// bound against real appends).
    private enum GrowthBound {
        static let varint = 10
        /// Flags and shape index; span, trace and parent ids (raw: 8 + 16 + 8 bytes at most); four class bytes;
        /// up to 128 mantissa bits; the record, count and table varints growing.
        static let perSpan = 48 + 3 * 17 + 2 + 17
        /// The attribute count of a new shape and extra-column counts.
        static let perAttributeList = 40
        /// A key reference and type in a new shape (at most 11 bytes) and a value (at most 11).
        static let perAttribute = 22
        /// A directory entry: a column id and its length, varints.
        static let newColumn = 14
        /// An event's name reference and time delta.
        static let perEvent = 20
        static let slack = 40
    }

    private static func attributesBound(_ attributes: TraceAttributes) -> Int {
        typealias Size = GrowthBound
        var bound = Size.varint
        for attribute in attributes {
            bound += InternedStrings.bound(attribute.key) + Size.perAttribute
            switch attribute.value {
            case .string(let string): bound += InternedStrings.bound(string)
            case .stringArray(let strings):
                bound += Size.varint + strings.reduce(0) { $0 + InternedStrings.bound($1) + Size.varint }
            case .intArray(let ints): bound += Size.varint + Size.varint * ints.count
            case .doubleArray(let doubles): bound += Size.varint + 8 * doubles.count
            case .boolArray(let bools): bound += Size.varint + bools.count
            case .int, .double, .bool: break
            }
        }
        return bound
    }

    /// Adds `span`; the caller checked that `growthBound(of:)` fits.
    mutating func append(_ span: SpanRecord, identifiers: IdentifierKeys?, strings: inout InternedStrings) {
        let spanCounter = Self.counter(ofSpan: span.spanID, identifiers)
        let traceCounter = Self.counter(ofTrace: span.traceID, identifiers)
        let parentCounter = span.parentSpanID.flatMap { Self.counter(ofSpan: $0, identifiers) }
        let children = pending.remove(span.spanID.rawValue)
        var flags: UInt8 = 0
        if span.parentSpanID != nil { flags |= SpanColumn.Flag.hasParent }
        if spanCounter != nil { flags |= SpanColumn.Flag.spanIsCounter }
        if traceCounter != nil { flags |= SpanColumn.Flag.traceIsCounter }
        if parentCounter != nil { flags |= SpanColumn.Flag.parentIsCounter }
        if children != nil { flags |= SpanColumn.Flag.closesChildren }
        columns[SpanColumn.flags].appendByte(flags)

        let shape = shape(of: span, strings: &strings)
        columns[SpanColumn.shape].appendVarint(UInt64(shape))

        if let spanCounter {
            columns[SpanColumn.spanID].appendDelta(spanCounter, from: previousCounter)
            previousCounter = spanCounter
        } else {
            columns[SpanColumn.spanID].appendFixed64(span.spanID.rawValue)
        }
        if let traceCounter {
            columns[SpanColumn.traceID].appendDelta(traceCounter, from: previousCounter)
        } else {
            columns[SpanColumn.traceID].appendFixed64(span.traceID.high)
            columns[SpanColumn.traceID].appendFixed64(span.traceID.low)
        }
        if let parent = span.parentSpanID {
            if let parentCounter {
                columns[SpanColumn.parentID].appendDelta(parentCounter, from: previousCounter)
            } else {
                columns[SpanColumn.parentID].appendFixed64(parent.rawValue)
            }
        }

        let start = span.startUnixNanoseconds
        let end = start &+ span.durationNanoseconds
        if let children {
            parentsCodedAgainstChildren += 1
            writeSigned(Int64(bitPattern: children.start &- start), classColumn: SpanColumn.leadClass)
            writeSigned(Int64(bitPattern: end &- children.end), classColumn: SpanColumn.trailClass)
        } else {
            writeSigned(Int64(bitPattern: start &- previousEnd), classColumn: SpanColumn.gapClass)
            let duration = ClassCoding.unsigned(span.durationNanoseconds)
            columns[SpanColumn.durationClass].appendByte(duration.classByte)
            bits.write(duration.mantissa, bits: duration.mantissaBits)
        }
        previousEnd = end
        if let parent = span.parentSpanID { pending.widen(parent.rawValue, start: start, end: end) }

        appendValues(span.attributes, shape: shape, strings: &strings)
        attributeSlots += span.attributes.count
        if !span.events.isEmpty {
            withColumn(SpanColumn.extra) { extra in
                extra.appendVarint(UInt64(span.events.count))
                for event in span.events {
                    extra.appendVarint(strings.reference(event.name))
                    extra.appendDelta(event.timeUnixNanoseconds, from: start)
                    Self.appendAttributes(event.attributes, to: &extra, strings: &strings)
                }
            }
        }
        if span.droppedAttributeCount | span.droppedEventCount | span.truncatedValueCount != 0 {
            columns[SpanColumn.extra].appendVarint(UInt64(span.droppedAttributeCount))
            columns[SpanColumn.extra].appendVarint(UInt64(span.droppedEventCount))
            columns[SpanColumn.extra].appendVarint(UInt64(span.truncatedValueCount))
        }
        if span.samplingThreshold != 0 || writesThresholds {
            if !writesThresholds {
                // The column holds a value per span: the spans before this one had threshold 0 (delta 0).
                for _ in 0..<count { columns[SpanColumn.samplingThreshold].appendByte(0) }
                writesThresholds = true
            }
            columns[SpanColumn.samplingThreshold].appendDelta(span.samplingThreshold, from: previousThreshold)
            previousThreshold = span.samplingThreshold
        }
        count += 1
    }

    private mutating func writeSigned(_ value: Int64, classColumn: Int) {
        let coded = ClassCoding.signed(value)
        columns[classColumn].appendByte(coded.classByte)
        bits.write(coded.mantissa, bits: coded.mantissaBits)
    }

    /// The index of the span's shape (name, kind, status, attribute keys and types), adding it if new.
    private mutating func shape(of span: SpanRecord, strings: inout InternedStrings) -> Int {
        var shapeFlags = span.kind.rawValue
        var message: UInt64?
        switch span.status {
        case .unset: break
        case .ok: shapeFlags |= 1 << SpanColumn.ShapeFlag.statusShift
        case .error(let text):
            shapeFlags |= 2 << SpanColumn.ShapeFlag.statusShift
            message = strings.reference(text)
        }
        if !span.events.isEmpty { shapeFlags |= SpanColumn.ShapeFlag.hasEvents }
        if span.droppedAttributeCount | span.droppedEventCount | span.truncatedValueCount != 0 {
            shapeFlags |= SpanColumn.ShapeFlag.hasLimitCounts
        }
        let name = strings.reference(span.name)
        if let known = knownShape(of: span, name: name, flags: shapeFlags, message: message) {
            signature = shapeSignatures[known]
            return known
        }
        signature = [name, UInt64(shapeFlags), message ?? .max]
        for attribute in span.attributes {
            signature.append(strings.reference(attribute.key))
            signature.append(UInt64(Self.type(of: attribute.value).rawValue))
        }
        let (index, isNew) = shapeIndex.index(of: signature)
        guard isNew else { return index }
        shapeBytes.appendVarint(signature[0])
        shapeBytes.appendByte(shapeFlags)
        if let message { shapeBytes.appendVarint(message) }
        shapeBytes.appendVarint(UInt64(span.attributes.count))
        var slot = 3
        while slot < signature.count {
            shapeBytes.appendVarint(signature[slot])
            shapeBytes.appendByte(UInt8(signature[slot + 1]))
            slot += 2
        }
        lastStrings.append(Array(repeating: 0, count: span.attributes.count))
        shapeSignatures.append(signature)
        shapeKeys.append(span.attributes.map(\.key))
        if Int(name) >= shapesByName.count {
            shapesByName.append(contentsOf: repeatElement([], count: Int(name) + 1 - shapesByName.count))
        }
        shapesByName[Int(name)].append(index)
        return index
    }

    /// A shape of this block that `span` has, found by comparing its keys with those of the shapes already
    /// seen for its name: cheaper than interning every key and hashing the signature, which only a new shape
    /// needs.
    private func knownShape(of span: SpanRecord, name: UInt64, flags: UInt8, message: UInt64?) -> Int? {
        guard Int(name) < shapesByName.count else { return nil }
        candidates: for candidate in shapesByName[Int(name)] {
            let known = shapeSignatures[candidate]
            guard known[1] == UInt64(flags), known[2] == message ?? .max,
                known.count == 3 + 2 * span.attributes.count
            else { continue }
            let keys = shapeKeys[candidate]
            for (slot, attribute) in span.attributes.enumerated() {
                guard known[4 + 2 * slot] == UInt64(Self.type(of: attribute.value).rawValue),
                    keys[slot] == attribute.key
                else { continue candidates }
            }
            return candidate
        }
        return nil
    }

    private static func type(of value: AttributeValue) -> LogFormat.ValueType {
        switch value {
        case .string: return .string
        case .int: return .int
        case .double: return .double
        case .bool(let bool): return bool ? .boolTrue : .boolFalse
        case .stringArray: return .stringArray
        case .intArray: return .intArray
        case .doubleArray: return .doubleArray
        case .boolArray: return .boolArray
        }
    }

    /// Attribute values, in shape order: strings and integers to their key's column, the rest to `extra`.
    /// `signature` is the shape's, which holds the key indexes.
    private mutating func appendValues(_ attributes: TraceAttributes, shape: Int, strings: inout InternedStrings) {
        for (slot, attribute) in attributes.enumerated() {
            switch attribute.value {
            case .string(let string):
                let key = Int(signature[3 + 2 * slot])
                let value = strings.reference(string) + 1
                let repeated = lastStrings[shape][slot] == value
                lastStrings[shape][slot] = value
                withKeyedColumns(key) { $0.strings.appendVarint(repeated ? 0 : value) }
            case .int(let int):
                let key = Int(signature[3 + 2 * slot])
                withKeyedColumns(key) { $0.ints.appendSigned(int) }
            case .bool:
                break  // The value is in the shape's type.
            case .double, .stringArray, .intArray, .doubleArray, .boolArray:
                withColumn(SpanColumn.extra) { Self.appendArrayOrDouble(attribute.value, to: &$0, strings: &strings) }
            }
        }
    }

    /// Runs `body` on a fixed column moved out of the array, so appending does not copy it.
    private mutating func withColumn(_ id: Int, _ body: (inout PayloadWriter) -> Void) {
        var column = PayloadWriter()
        swap(&column, &columns[id])
        body(&column)
        swap(&column, &columns[id])
    }

    /// Runs `body` on the columns of the key at string index `key`, creating them on first use.
    private mutating func withKeyedColumns(_ key: Int, _ body: (inout KeyedColumns) -> Void) {
        if key >= keyed.count { keyed.append(contentsOf: repeatElement(nil, count: key + 1 - keyed.count)) }
        var columns: KeyedColumns
        if let existing = keyed[key].take() {
            columns = existing
        } else {
            columns = KeyedColumns()
            keyedOrder.append(key)
        }
        body(&columns)
        keyed[key] = columns
    }

    private static func appendArrayOrDouble(
        _ value: AttributeValue, to writer: inout PayloadWriter, strings: inout InternedStrings
    ) {
        switch value {
        case .double(let double):
            writer.appendFixed64(double.bitPattern)
        case .stringArray(let values):
            writer.appendVarint(UInt64(values.count))
            for string in values { writer.appendVarint(strings.reference(string)) }
        case .intArray(let values):
            writer.appendVarint(UInt64(values.count))
            for int in values { writer.appendSigned(int) }
        case .doubleArray(let values):
            writer.appendVarint(UInt64(values.count))
            for double in values { writer.appendFixed64(double.bitPattern) }
        case .boolArray(let values):
            writer.appendVarint(UInt64(values.count))
            for bool in values { writer.appendByte(bool ? 1 : 0) }
        case .string, .int, .bool:
            break
        }
    }

    /// Event attributes: the version 1 encoding (count, then key, type and value each), into `extra`.
    private static func appendAttributes(
        _ attributes: TraceAttributes, to writer: inout PayloadWriter, strings: inout InternedStrings
    ) {
        writer.appendVarint(UInt64(attributes.count))
        for attribute in attributes {
            writer.appendVarint(strings.reference(attribute.key))
            writer.appendByte(type(of: attribute.value).rawValue)
            switch attribute.value {
            case .string(let string): writer.appendVarint(strings.reference(string))
            case .int(let int): writer.appendSigned(int)
            case .bool: break
            default: appendArrayOrDouble(attribute.value, to: &writer, strings: &strings)
            }
        }
    }

    private static func counter(ofSpan id: SpanID, _ identifiers: IdentifierKeys?) -> UInt64? {
        guard let identifiers else { return nil }
        let value = identifiers.spanID.invert(id.rawValue)
        return value < LogFormat.maxStoredCounter ? value : nil
    }

    private static func counter(ofTrace id: TraceID, _ identifiers: IdentifierKeys?) -> UInt64? {
        guard let identifiers, id.high == identifiers.traceIDHigh else { return nil }
        let value = identifiers.traceIDLow.invert(id.low)
        return value < LogFormat.maxStoredCounter ? value : nil
    }

    /// Appends the record (type, length, body) to `payload`; `sectionEnds` gets the payload offset after the
    /// record's directory and after each column, where the compressor starts a new deflate block.
    func write(to payload: inout PayloadWriter, sectionEnds: inout [Int]) {
        guard count > 0 else { return }
        payload.appendByte(LogFormat.RecordType.spanColumns.rawValue)
        payload.appendVarint(UInt64(bodySize))
        payload.appendVarint(UInt64(count))
        payload.appendVarint(UInt64(shapeIndex.count))
        payload.appendBytes(shapeBytes.bytes)
        var columnCount = 0
        forEachColumn { _, _ in columnCount += 1 }
        payload.appendVarint(UInt64(columnCount))
        forEachColumn { id, length in
            payload.appendVarint(id)
            payload.appendVarint(UInt64(length))
        }
        sectionEnds.append(payload.count)
        for id in 0..<SpanColumn.fixedCount {
            if id == SpanColumn.bits {
                let stream = bits.finished()
                guard !stream.isEmpty else { continue }
                payload.appendBytes(stream)
            } else {
                guard columns[id].count > 0 else { continue }
                payload.appendBytes(columns[id].bytes)
            }
            sectionEnds.append(payload.count)
        }
        for key in keyedOrder {
            guard let columns = keyed[key] else { continue }
            if columns.strings.count > 0 {
                payload.appendBytes(columns.strings.bytes)
                sectionEnds.append(payload.count)
            }
            if columns.ints.count > 0 {
                payload.appendBytes(columns.ints.bytes)
                sectionEnds.append(payload.count)
            }
        }
    }

    /// Empties the encoder for the next block, keeping allocated capacity.
    mutating func reset() {
        for id in columns.indices { columns[id].removeAll() }
        bits.removeAll()
        keyed.removeAll(keepingCapacity: true)
        keyedOrder.removeAll(keepingCapacity: true)
        shapeIndex.removeAll()
        shapeBytes.removeAll()
        lastStrings.removeAll(keepingCapacity: true)
        shapeSignatures.removeAll(keepingCapacity: true)
        shapeKeys.removeAll(keepingCapacity: true)
        shapesByName.removeAll(keepingCapacity: true)
        pending.removeAll()
        previousCounter = 0
        previousEnd = 0
        previousThreshold = 0
        writesThresholds = false
        count = 0
        parentsCodedAgainstChildren = 0
        attributeSlots = 0
    }
}
