// BlockDecoder: turns one block's payload back into file headers, spans and drop notices.

import TraceKit

/// Decodes the records of one block payload. Every length is checked against the payload, so a hostile
/// payload costs at most a few times its own size in memory and never traps.
struct BlockDecoder {
    var strings: [String] = []
    var identifiers: IdentifierKeys?
    private var previousSpanCounter: UInt64 = 0
    private var previousEnd: UInt64 = 0

    /// A decoder for `payload` with its block header read, and a reader positioned after it; nil for an empty
    /// payload (the end-of-file marker).
    private static func start(_ payload: UnsafeRawBufferPointer) throws(PayloadError) -> (BlockDecoder, PayloadReader)?
    {
        var decoder = BlockDecoder()
        var reader = PayloadReader(payload)
        guard !reader.isAtEnd else { return nil }
        guard try reader.readByte() == LogFormat.RecordType.blockHeader.rawValue else {
            throw PayloadError(position: 0, reason: "block does not start with a block header record")
        }
        let headerLength = try reader.readCount()
        var header = PayloadReader(payload, from: reader.position, to: reader.position + headerLength)
        try decoder.readBlockHeader(&header)
        reader.position += headerLength
        return (decoder, reader)
    }

    /// Decodes `payload` with the spans of the block gathered in one `SpanBatch` (at the place of its first span
    /// record) and appends the entries to `entries`.
    ///
    /// On malformed data it throws after appending the entries of every record before the bad one (and the
    /// spans decoded so far).
    static func decodeBatches(
        _ payload: UnsafeRawBufferPointer, attributeKeys: Set<String>? = nil, into entries: inout [LogBatchEntry]
    ) throws(PayloadError) {
        guard var (decoder, reader) = try start(payload) else { return }
        var batch = SpanBatch()
        var batchPosition: Int?
        defer { if let batchPosition { entries[batchPosition] = .spans(batch) } }
        while !reader.isAtEnd {
            let type = try reader.readByte()
            let length = try reader.readCount()
            var record = PayloadReader(payload, from: reader.position, to: reader.position + length)
            switch LogFormat.RecordType(rawValue: type) {
            case .spanRun, .spanColumns:
                if batchPosition == nil {
                    batchPosition = entries.count
                    entries.append(.spans(SpanBatch()))
                }
                if type == LogFormat.RecordType.spanColumns.rawValue {
                    try decoder.readSpanColumns(&record, attributeKeys: attributeKeys, into: &batch)
                } else {
                    var shapeIndex: [SpanBatch.Shape: Int] = [:]
                    let count = try record.readCount()
                    for _ in 0..<count {
                        var span = try decoder.readSpan(&record)
                        if let attributeKeys {
                            span.attributes = TraceAttributes(
                                span.attributes.lazy.filter { attributeKeys.contains($0.key) }.map {
                                    ($0.key, $0.value)
                                })
                        }
                        batch.append(span, shapeIndex: &shapeIndex)
                    }
                }
            case .fileHeader:
                entries.append(.header(try decoder.readFileHeader(&record)))
            case .droppedSpans:
                entries.append(.droppedSpans(try decoder.readDropped(&record)))
            case .blockHeader:
                throw PayloadError(position: reader.position, reason: "second block header record in one block")
            case nil:
                break  // A record type from a newer writer: skipped by its length.
            }
            reader.position += length
        }
    }

    /// Decodes `payload` and appends its entries to `entries`.
    ///
    /// On malformed data it throws after appending the entries of every record before the bad one.
    static func decode(_ payload: UnsafeRawBufferPointer, into entries: inout [LogEntry]) throws(PayloadError) {
        guard var (decoder, reader) = try start(payload) else { return }
        while !reader.isAtEnd {
            let type = try reader.readByte()
            let length = try reader.readCount()
            var record = PayloadReader(payload, from: reader.position, to: reader.position + length)
            switch LogFormat.RecordType(rawValue: type) {
            case .spanRun:
                let count = try record.readCount()
                entries.reserveCapacity(entries.count + count)
                for _ in 0..<count { entries.append(.span(try decoder.readSpan(&record))) }
            case .fileHeader:
                entries.append(.header(try decoder.readFileHeader(&record)))
            case .spanColumns:
                try decoder.readSpanColumns(&record, into: &entries)
            case .droppedSpans:
                entries.append(.droppedSpans(try decoder.readDropped(&record)))
            case .blockHeader:
                throw PayloadError(position: reader.position, reason: "second block header record in one block")
            case nil:
                break  // A record type from a newer writer: skipped by its length.
            }
            reader.position += length
        }
    }

    private mutating func readBlockHeader(_ reader: inout PayloadReader) throws(PayloadError) {
        let flags = try reader.readVarint()
        if flags & LogFormat.BlockFlag.hasIdentifierScheme != 0 {
            let high = try reader.readFixed64()
            let traceKey = try reader.readFixed64()
            let spanKey = try reader.readFixed64()
            identifiers = IdentifierKeys(traceIDHigh: high, traceIDLowKey: traceKey, spanIDKey: spanKey)
        }
        let count = try reader.readCount()
        strings.reserveCapacity(count)
        for _ in 0..<count {
            let length = try reader.readCount()
            strings.append(try reader.readString(length: length))
        }
    }

    func string(_ reader: inout PayloadReader) throws(PayloadError) -> String {
        let index = try reader.readVarint()
        guard index < UInt64(strings.count) else {
            throw PayloadError(position: reader.position, reason: "string reference \(index) outside the table")
        }
        return strings[Int(index)]
    }

    private mutating func readFileHeader(_ reader: inout PayloadReader) throws(PayloadError) -> LogFileHeader {
        for byte in LogFormat.fileMagic {
            guard try reader.readByte() == byte else {
                throw PayloadError(position: reader.position, reason: "file header magic is not TKLG")
            }
        }
        let version = try reader.readVarint()
        let opened = try reader.readVarint()
        let sequence = try reader.readVarint()
        let service = try string(&reader)
        let host = try string(&reader)
        let pid = try reader.readSigned()
        let processStart = try reader.readVarint()
        let libraryVersion = try string(&reader)
        let attributes = try readAttributes(&reader)
        let resource = Resource(
            serviceName: service, hostName: host, processID: pid, processStartUnixNanoseconds: processStart,
            libraryVersion: libraryVersion, attributes: attributes)
        return LogFileHeader(
            formatVersion: version, resource: resource, openedUnixNanoseconds: opened, fileSequence: sequence)
    }

    private func readDropped(_ reader: inout PayloadReader) throws(PayloadError) -> DroppedSpans {
        let reason = DroppedSpans.Reason(code: try reader.readByte())
        let count = try reader.readVarint()
        let time = try reader.readVarint()
        return DroppedSpans(reason: reason, count: count, recordedUnixNanoseconds: time)
    }

    private mutating func readSpan(_ reader: inout PayloadReader) throws(PayloadError) -> SpanRecord {
        let flags = try reader.readVarint()
        guard flags & ~LogFormat.SpanFlag.known == 0 else {
            throw PayloadError(position: reader.position, reason: "unknown span flags \(flags)")
        }
        let kindBits = (flags & LogFormat.SpanFlag.kindMask) >> LogFormat.SpanFlag.kindShift
        guard let kind = SpanRecord.Kind(rawValue: UInt8(kindBits)) else {
            throw PayloadError(position: reader.position, reason: "unknown span kind \(kindBits)")
        }
        let needsScheme =
            flags
            & (LogFormat.SpanFlag.spanIsCounter | LogFormat.SpanFlag.traceIsCounter
                | LogFormat.SpanFlag.parentIsCounter) != 0
        if needsScheme && identifiers == nil {
            throw PayloadError(position: reader.position, reason: "counter-coded id in a block without id keys")
        }
        let spanID: SpanID
        if flags & LogFormat.SpanFlag.spanIsCounter != 0, let identifiers {
            previousSpanCounter = try reader.readDelta(from: previousSpanCounter)
            spanID = SpanID(rawValue: identifiers.spanID.apply(previousSpanCounter))
        } else {
            spanID = SpanID(rawValue: try reader.readFixed64())
        }
        let traceID: TraceID
        if flags & LogFormat.SpanFlag.traceIsCounter != 0, let identifiers {
            let counter = try reader.readDelta(from: previousSpanCounter)
            traceID = TraceID(high: identifiers.traceIDHigh, low: identifiers.traceIDLow.apply(counter))
        } else {
            let high = try reader.readFixed64()
            traceID = TraceID(high: high, low: try reader.readFixed64())
        }
        var parentSpanID: SpanID?
        if flags & LogFormat.SpanFlag.hasParent != 0 {
            if flags & LogFormat.SpanFlag.parentIsCounter != 0, let identifiers {
                parentSpanID = SpanID(
                    rawValue: identifiers.spanID.apply(try reader.readDelta(from: previousSpanCounter)))
            } else {
                parentSpanID = SpanID(rawValue: try reader.readFixed64())
            }
        }
        let anchored = try reader.readDelta(from: previousEnd)
        let duration = try reader.readVarint()
        let start: UInt64
        if flags & LogFormat.SpanFlag.startAnchored != 0 {
            start = anchored
            previousEnd = anchored &+ duration
        } else {
            start = anchored &- duration
            previousEnd = anchored
        }
        let name = try string(&reader)
        let status: SpanRecord.Status
        switch (flags & LogFormat.SpanFlag.statusMask) >> LogFormat.SpanFlag.statusShift {
        case 0: status = .unset
        case 1: status = .ok
        case 2: status = .error(message: try string(&reader))
        default: throw PayloadError(position: reader.position, reason: "unknown span status")
        }
        let attributes = try readAttributes(&reader)
        var events: [SpanRecord.Event] = []
        if flags & LogFormat.SpanFlag.hasEvents != 0 {
            let count = try reader.readCount()
            events.reserveCapacity(count)
            for _ in 0..<count {
                let eventName = try string(&reader)
                let time = try reader.readDelta(from: start)
                events.append(
                    SpanRecord.Event(
                        name: eventName, timeUnixNanoseconds: time, attributes: try readAttributes(&reader)))
            }
        }
        var limitCounts: (UInt32, UInt32, UInt32) = (0, 0, 0)
        if flags & LogFormat.SpanFlag.hasLimitCounts != 0 {
            limitCounts = (
                UInt32(truncatingIfNeeded: try reader.readVarint()),
                UInt32(truncatingIfNeeded: try reader.readVarint()),
                UInt32(truncatingIfNeeded: try reader.readVarint())
            )
        }
        return SpanRecord(
            traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, name: name, kind: kind, status: status,
            startUnixNanoseconds: start, durationNanoseconds: duration, attributes: attributes, events: events,
            droppedAttributeCount: limitCounts.0, droppedEventCount: limitCounts.1, truncatedValueCount: limitCounts.2)
    }

    func readAttributes(_ reader: inout PayloadReader) throws(PayloadError) -> TraceAttributes {
        let count = try reader.readCount()
        // Literal forms for the common small counts: one exact-size allocation, no generic sequence walk.
        switch count {
        case 0:
            return TraceAttributes()
        case 1:
            let key0 = try string(&reader)
            return [key0: try readValue(&reader)]
        case 2:
            let key0 = try string(&reader)
            let value0 = try readValue(&reader)
            let key1 = try string(&reader)
            let value1 = try readValue(&reader)
            guard key0 != key1 else { return [key1: value1] }
            return [key0: value0, key1: value1]
        case 3:
            let key0 = try string(&reader)
            let value0 = try readValue(&reader)
            let key1 = try string(&reader)
            let value1 = try readValue(&reader)
            let key2 = try string(&reader)
            let value2 = try readValue(&reader)
            guard key0 != key1, key0 != key2, key1 != key2 else {
                var attributes = TraceAttributes()
                attributes[key0] = value0
                attributes[key1] = value1
                attributes[key2] = value2
                return attributes
            }
            return [key0: value0, key1: value1, key2: value2]
        default:
            var attributes = TraceAttributes()
            for _ in 0..<count {
                let key = try string(&reader)
                // A repeated key keeps its last value, as TraceAttributes does.
                attributes[key] = try readValue(&reader)
            }
            return attributes
        }
    }

    func readValue(_ reader: inout PayloadReader) throws(PayloadError) -> AttributeValue {
        let tag = try reader.readByte()
        switch LogFormat.ValueType(rawValue: tag) {
        case .string: return .string(try string(&reader))
        case .int: return .int(try reader.readSigned())
        case .double: return .double(Double(bitPattern: try reader.readFixed64()))
        case .boolFalse: return .bool(false)
        case .boolTrue: return .bool(true)
        case .stringArray:
            let count = try reader.readCount()
            var values: [String] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try string(&reader)) }
            return .stringArray(values)
        case .intArray:
            let count = try reader.readCount()
            var values: [Int64] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try reader.readSigned()) }
            return .intArray(values)
        case .doubleArray:
            let count = try reader.readCount()
            var values: [Double] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(Double(bitPattern: try reader.readFixed64())) }
            return .doubleArray(values)
        case .boolArray:
            let count = try reader.readCount()
            var values: [Bool] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try reader.readByte() != 0) }
            return .boolArray(values)
        case nil:
            throw PayloadError(position: reader.position - 1, reason: "unknown attribute type \(tag)")
        }
    }
}
