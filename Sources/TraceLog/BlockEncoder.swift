// BlockEncoder: builds the payload of one block: a block header with its string table, then records.

import TraceKit

/// Accumulates records for one block and produces its payload; strings are interned per block.
///
/// File headers and drop notices become records in the order added; spans go into one span run record at the
/// end of the block, which saves a type byte and a length per span.
///
/// `append` returns `false` and leaves the block unchanged when the record does not fit; seal, then retry.
struct BlockEncoder {
    /// Ids made by this scheme are stored as small counters; `nil` stores every id raw.
    var identifiers: IdentifierKeys?

    private var strings = StringTable()
    /// Encoded size of the string table entries (length varints plus bytes).
    private var tableBytes = 0
    /// Records other than spans (file header, drop notices), framed.
    private var body = PayloadWriter(capacity: 1024)
    /// The span bodies of the block's span run, unframed.
    private var spanBodies = PayloadWriter(capacity: LogFormat.maxPayloadBytes)
    private var scratch = PayloadWriter(capacity: 1024)
    private var previousSpanCounter: UInt64 = 0
    private var previousEnd: UInt64 = 0
    /// Records in this block.
    private(set) var recordCount = 0
    /// Spans in this block.
    private(set) var spanCount = 0

    init(identifiers: IdentifierKeys?) {
        self.identifiers = identifiers
    }

    var isEmpty: Bool { recordCount == 0 }

    /// The payload size if sealed now.
    var payloadSize: Int {
        blockHeaderRecordSize + body.count + spanRunRecordSize(bytes: spanBodies.count, count: spanCount)
    }

    /// The size of the span run record holding `count` spans of `bytes` bytes (none when there are no spans).
    private func spanRunRecordSize(bytes: Int, count: Int) -> Int {
        guard count > 0 else { return 0 }
        let length = PayloadWriter.varintSize(UInt64(count)) + bytes
        return 1 + PayloadWriter.varintSize(UInt64(length)) + length
    }

    private var blockHeaderBodySize: Int {
        let flags: UInt64 = identifiers == nil ? 0 : LogFormat.BlockFlag.hasIdentifierScheme
        return PayloadWriter.varintSize(flags) + (identifiers == nil ? 0 : 24)
            + PayloadWriter.varintSize(UInt64(strings.count)) + tableBytes
    }

    private var blockHeaderRecordSize: Int {
        let size = blockHeaderBodySize
        return 1 + PayloadWriter.varintSize(UInt64(size)) + size
    }

    /// State to restore when a record does not fit.
    private struct Mark {
        var stringCount: Int
        var tableBytes: Int
        var bodyCount: Int
        var spanBodiesCount: Int
        var previousSpanCounter: UInt64
        var previousEnd: UInt64
    }

    private var mark: Mark {
        Mark(
            stringCount: strings.count, tableBytes: tableBytes, bodyCount: body.count,
            spanBodiesCount: spanBodies.count, previousSpanCounter: previousSpanCounter, previousEnd: previousEnd)
    }

    private mutating func rollBack(to mark: Mark) {
        strings.truncate(to: mark.stringCount)
        tableBytes = mark.tableBytes
        body.removeLast(from: mark.bodyCount)
        spanBodies.removeLast(from: mark.spanBodiesCount)
        previousSpanCounter = mark.previousSpanCounter
        previousEnd = mark.previousEnd
    }

    /// Frames `scratch` as a record of `type` into the body if the block still fits; otherwise rolls back.
    private mutating func commit(_ type: LogFormat.RecordType, since mark: Mark) -> Bool {
        let recordSize = 1 + PayloadWriter.varintSize(UInt64(scratch.count)) + scratch.count
        let spanRunSize = spanRunRecordSize(bytes: spanBodies.count, count: spanCount)
        guard blockHeaderRecordSize + body.count + recordSize + spanRunSize <= LogFormat.maxPayloadBytes else {
            rollBack(to: mark)
            return false
        }
        body.appendByte(type.rawValue)
        body.appendVarint(UInt64(scratch.count))
        body.appendBytes(scratch.bytes)
        recordCount += 1
        return true
    }

    /// The table index of `string`, adding it if new.
    private mutating func reference(_ string: String) -> UInt64 {
        let (index, isNew) = strings.index(of: string)
        if isNew {
            let length = string.utf8.count
            tableBytes += PayloadWriter.varintSize(UInt64(length)) + length
        }
        return UInt64(index)
    }

    /// Adds a file header record.
    mutating func append(_ header: LogFileHeader) -> Bool {
        let saved = mark
        scratch.removeAll()
        scratch.appendBytes(LogFormat.fileMagic)
        scratch.appendVarint(header.formatVersion)
        scratch.appendVarint(header.openedUnixNanoseconds)
        scratch.appendVarint(header.fileSequence)
        let resource = header.resource
        scratch.appendVarint(reference(resource.serviceName))
        scratch.appendVarint(reference(resource.hostName))
        scratch.appendSigned(resource.processID)
        scratch.appendVarint(resource.processStartUnixNanoseconds)
        scratch.appendVarint(reference(resource.libraryVersion))
        appendAttributes(resource.attributes)
        return commit(.fileHeader, since: saved)
    }

    /// Adds a dropped-spans record.
    mutating func append(_ dropped: DroppedSpans) -> Bool {
        let saved = mark
        scratch.removeAll()
        scratch.appendByte(dropped.reason.code)
        scratch.appendVarint(dropped.count)
        scratch.appendVarint(dropped.recordedUnixNanoseconds)
        return commit(.droppedSpans, since: saved)
    }

    /// Adds a span record.
    mutating func append(_ span: SpanRecord) -> Bool {
        let saved = mark
        scratch.removeAll()
        var flags: UInt64 = UInt64(span.kind.rawValue) << LogFormat.SpanFlag.kindShift
        let spanCounter = counter(ofSpan: span.spanID)
        let traceCounter = counter(ofTrace: span.traceID)
        let parentCounter = span.parentSpanID.flatMap { counter(ofSpan: $0) }
        if span.parentSpanID != nil { flags |= LogFormat.SpanFlag.hasParent }
        if spanCounter != nil { flags |= LogFormat.SpanFlag.spanIsCounter }
        if traceCounter != nil { flags |= LogFormat.SpanFlag.traceIsCounter }
        if parentCounter != nil { flags |= LogFormat.SpanFlag.parentIsCounter }
        switch span.status {
        case .unset: break
        case .ok: flags |= 1 << LogFormat.SpanFlag.statusShift
        case .error: flags |= 2 << LogFormat.SpanFlag.statusShift
        }
        if !span.events.isEmpty { flags |= LogFormat.SpanFlag.hasEvents }
        if span.droppedAttributeCount | span.droppedEventCount | span.truncatedValueCount != 0 {
            flags |= LogFormat.SpanFlag.hasLimitCounts
        }
        // Anchor the time on whichever of start or end is closer to the previous span's end: a span that
        // started after the previous one ended (a sibling) is cheaper by its start, an enclosing one by its end.
        let end = span.startUnixNanoseconds &+ span.durationNanoseconds
        let startDelta = Int64(bitPattern: span.startUnixNanoseconds &- previousEnd)
        let endDelta = Int64(bitPattern: end &- previousEnd)
        let startAnchored = startDelta.magnitude < endDelta.magnitude
        if startAnchored { flags |= LogFormat.SpanFlag.startAnchored }
        scratch.appendVarint(flags)

        if let spanCounter {
            scratch.appendDelta(spanCounter, from: previousSpanCounter)
            previousSpanCounter = spanCounter
        } else {
            scratch.appendFixed64(span.spanID.rawValue)
        }
        if let traceCounter {
            scratch.appendDelta(traceCounter, from: previousSpanCounter)
        } else {
            scratch.appendFixed64(span.traceID.high)
            scratch.appendFixed64(span.traceID.low)
        }
        if let parent = span.parentSpanID {
            if let parentCounter {
                scratch.appendDelta(parentCounter, from: previousSpanCounter)
            } else {
                scratch.appendFixed64(parent.rawValue)
            }
        }
        scratch.appendSigned(startAnchored ? startDelta : endDelta)
        previousEnd = end
        scratch.appendVarint(span.durationNanoseconds)
        scratch.appendVarint(reference(span.name))
        if case .error(let message) = span.status { scratch.appendVarint(reference(message)) }
        appendAttributes(span.attributes)
        if !span.events.isEmpty {
            scratch.appendVarint(UInt64(span.events.count))
            for event in span.events {
                scratch.appendVarint(reference(event.name))
                scratch.appendDelta(event.timeUnixNanoseconds, from: span.startUnixNanoseconds)
                appendAttributes(event.attributes)
            }
        }
        if flags & LogFormat.SpanFlag.hasLimitCounts != 0 {
            scratch.appendVarint(UInt64(span.droppedAttributeCount))
            scratch.appendVarint(UInt64(span.droppedEventCount))
            scratch.appendVarint(UInt64(span.truncatedValueCount))
        }
        let spanRunSize = spanRunRecordSize(bytes: spanBodies.count + scratch.count, count: spanCount + 1)
        guard blockHeaderRecordSize + body.count + spanRunSize <= LogFormat.maxPayloadBytes else {
            rollBack(to: saved)
            return false
        }
        spanBodies.appendBytes(scratch.bytes)
        spanCount += 1
        recordCount += 1
        return true
    }

    /// The encoded size of `span` alone in an empty block; larger than `maxPayloadBytes` means it can never fit.
    static func soloSize(_ span: SpanRecord, identifiers: IdentifierKeys?) -> Int {
        var probe = BlockEncoder(identifiers: identifiers)
        probe.scratch.removeAll()
        _ = probe.append(span)
        return probe.recordCount == 1 ? probe.payloadSize : LogFormat.maxPayloadBytes + 1
    }

    private func counter(ofSpan id: SpanID) -> UInt64? {
        guard let identifiers else { return nil }
        let value = identifiers.spanID.invert(id.rawValue)
        return value < LogFormat.maxStoredCounter ? value : nil
    }

    private func counter(ofTrace id: TraceID) -> UInt64? {
        guard let identifiers, id.high == identifiers.traceIDHigh else { return nil }
        let value = identifiers.traceIDLow.invert(id.low)
        return value < LogFormat.maxStoredCounter ? value : nil
    }

    private mutating func appendAttributes(_ attributes: TraceAttributes) {
        scratch.appendVarint(UInt64(attributes.count))
        for attribute in attributes {
            scratch.appendVarint(reference(attribute.key))
            appendValue(attribute.value)
        }
    }

    private mutating func appendValue(_ value: AttributeValue) {
        switch value {
        case .string(let string):
            scratch.appendByte(LogFormat.ValueType.string.rawValue)
            scratch.appendVarint(reference(string))
        case .int(let int):
            scratch.appendByte(LogFormat.ValueType.int.rawValue)
            scratch.appendSigned(int)
        case .double(let double):
            scratch.appendByte(LogFormat.ValueType.double.rawValue)
            scratch.appendFixed64(double.bitPattern)
        case .bool(let bool):
            scratch.appendByte((bool ? LogFormat.ValueType.boolTrue : LogFormat.ValueType.boolFalse).rawValue)
        case .stringArray(let strings):
            scratch.appendByte(LogFormat.ValueType.stringArray.rawValue)
            scratch.appendVarint(UInt64(strings.count))
            for string in strings { scratch.appendVarint(reference(string)) }
        case .intArray(let ints):
            scratch.appendByte(LogFormat.ValueType.intArray.rawValue)
            scratch.appendVarint(UInt64(ints.count))
            for int in ints { scratch.appendSigned(int) }
        case .doubleArray(let doubles):
            scratch.appendByte(LogFormat.ValueType.doubleArray.rawValue)
            scratch.appendVarint(UInt64(doubles.count))
            for double in doubles { scratch.appendFixed64(double.bitPattern) }
        case .boolArray(let bools):
            scratch.appendByte(LogFormat.ValueType.boolArray.rawValue)
            scratch.appendVarint(UInt64(bools.count))
            for bool in bools { scratch.appendByte(bool ? 1 : 0) }
        }
    }

    /// Returns the payload (block header record, then the records) and starts a new, empty block.
    mutating func seal() -> [UInt8] {
        var payload = PayloadWriter(capacity: payloadSize)
        payload.appendByte(LogFormat.RecordType.blockHeader.rawValue)
        payload.appendVarint(UInt64(blockHeaderBodySize))
        if let identifiers {
            payload.appendVarint(LogFormat.BlockFlag.hasIdentifierScheme)
            payload.appendFixed64(identifiers.traceIDHigh)
            payload.appendFixed64(identifiers.traceIDLow.key)
            payload.appendFixed64(identifiers.spanID.key)
        } else {
            payload.appendVarint(0)
        }
        payload.appendVarint(UInt64(strings.count))
        for string in strings.strings {
            payload.appendVarint(UInt64(string.utf8.count))
            payload.appendBytes(string.utf8)
        }
        payload.appendBytes(body.bytes)
        if spanCount > 0 {
            payload.appendByte(LogFormat.RecordType.spanRun.rawValue)
            payload.appendVarint(UInt64(PayloadWriter.varintSize(UInt64(spanCount)) + spanBodies.count))
            payload.appendVarint(UInt64(spanCount))
            payload.appendBytes(spanBodies.bytes)
        }
        reset()
        return payload.bytes
    }

    /// Empties the block, keeping allocated capacity.
    mutating func reset() {
        strings.removeAll()
        tableBytes = 0
        body.removeAll()
        spanBodies.removeAll()
        previousSpanCounter = 0
        previousEnd = 0
        recordCount = 0
        spanCount = 0
    }
}
