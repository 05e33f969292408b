// BlockEncoder: builds the payload of one block: a block header with its string table, then records.

import TraceKit

/// Accumulates records for one block and produces its payload; strings are interned per block.
///
/// File headers and drop notices become records in the order added; spans go into one span columns record at
/// the end of the block (`SpanColumnsEncoder`).
///
/// `append` returns `false` and leaves the block unchanged when the record does not fit; seal, then retry.
struct BlockEncoder {
    /// Ids made by this scheme are stored as small counters; `nil` stores every id raw.
    var identifiers: IdentifierKeys?

    private var strings = InternedStrings()
    /// Records other than spans (file header, drop notices), framed.
    private var body = PayloadWriter(capacity: 1024)
    private var spans = SpanColumnsEncoder()
    private var scratch = PayloadWriter(capacity: 1024)
    /// An upper bound of `payloadSize`, kept up to date cheaply; recomputed exactly only near the limit.
    private var sizeBound = 0
    /// Records in this block.
    private(set) var recordCount = 0
    /// Spans in this block.
    var spanCount: Int { spans.count }
    /// Spans in this block whose times are coded against their children's (see `SpanColumnsEncoder`).
    var parentsCodedAgainstChildren: Int { spans.parentsCodedAgainstChildren }

    init(identifiers: IdentifierKeys?) {
        self.identifiers = identifiers
    }

    var isEmpty: Bool { recordCount == 0 }

    /// The payload size if sealed now.
    var payloadSize: Int {
        blockHeaderRecordSize + body.count + spans.recordSize
    }

    private var blockHeaderBodySize: Int {
        let flags: UInt64 = identifiers == nil ? 0 : LogFormat.BlockFlag.hasIdentifierScheme
        return PayloadWriter.varintSize(flags) + (identifiers == nil ? 0 : 24)
            + PayloadWriter.varintSize(UInt64(strings.count)) + strings.encodedBytes
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
    }

    private var mark: Mark {
        Mark(stringCount: strings.count, tableBytes: strings.encodedBytes, bodyCount: body.count)
    }

    private mutating func rollBack(to mark: Mark) {
        strings.truncate(to: mark.stringCount, encodedBytes: mark.tableBytes)
        body.removeLast(from: mark.bodyCount)
    }

    /// Frames `scratch` as a record of `type` into the body if the block still fits; otherwise rolls back.
    private mutating func commit(_ type: LogFormat.RecordType, since mark: Mark) -> Bool {
        let recordSize = 1 + PayloadWriter.varintSize(UInt64(scratch.count)) + scratch.count
        guard blockHeaderRecordSize + body.count + recordSize + spans.recordSize <= LogFormat.maxPayloadBytes else {
            rollBack(to: mark)
            return false
        }
        body.appendByte(type.rawValue)
        body.appendVarint(UInt64(scratch.count))
        body.appendBytes(scratch.bytes)
        recordCount += 1
        sizeBound = payloadSize
        return true
    }

    /// The table index of `string`, adding it if new.
    private mutating func reference(_ string: String) -> UInt64 {
        strings.reference(string)
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

    /// Adds a span to the block's span columns record.
    mutating func append(_ span: SpanRecord) -> Bool {
        guard spans.attributeSlots + span.attributes.count <= SpanColumn.maxAttributeSlotsPerRecord else {
            return false
        }
        let growth = spans.growthBound(of: span)
        if sizeBound + growth > LogFormat.maxPayloadBytes {
            sizeBound = payloadSize
            guard sizeBound + growth <= LogFormat.maxPayloadBytes else { return false }
        }
        spans.append(span, identifiers: identifiers, strings: &strings)
        sizeBound += growth
        recordCount += 1
        return true
    }

    /// An upper bound of how much appending `span` can grow the payload (see `SpanColumnsEncoder`).
    func growthBound(of span: SpanRecord) -> Int {
        spans.growthBound(of: span)
    }

    /// An upper bound of the payload `span` needs alone in an empty block; larger than `maxPayloadBytes` means
    /// it can never be written.
    static func soloSize(_ span: SpanRecord, identifiers: IdentifierKeys?) -> Int {
        let empty = BlockEncoder(identifiers: identifiers)
        guard span.attributes.count <= SpanColumn.maxAttributeSlotsPerRecord else {
            return LogFormat.maxPayloadBytes + 1
        }
        return empty.payloadSize + empty.spans.growthBound(of: span)
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
        sealSections().payload
    }

    /// `seal()`, with the offsets where the compressor should start a new deflate block (between columns).
    mutating func sealSections() -> (payload: [UInt8], sectionEnds: [Int]) {
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
        for string in strings.table.strings {
            payload.appendVarint(UInt64(string.utf8.count))
            payload.appendBytes(string.utf8)
        }
        payload.appendBytes(body.bytes)
        var sectionEnds: [Int] = []
        spans.write(to: &payload, sectionEnds: &sectionEnds)
        reset()
        return (payload.bytes, sectionEnds)
    }

    /// Empties the block, keeping allocated capacity.
    mutating func reset() {
        strings.removeAll()
        body.removeAll()
        spans.reset()
        recordCount = 0
        sizeBound = payloadSize
    }
}
