// SpanColumnsTests: the span columns record (format version 2): bit streams, class coding, children-first trees.

import Foundation
import Testing
import TraceKit

@testable import TraceLog

@Suite struct SpanColumnsTests {
    static let scheme = TraceRecorder(TraceConfiguration(service: "ids")).identifiers

    @Test(arguments: [1 as UInt64, 2, 3])
    func bitFieldsOfEveryWidthComeBackInOrder(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var fields: [(UInt64, Int)] = []
        var writer = BitWriter()
        for _ in 0..<5_000 {
            let width = Int.random(in: 0...64, using: &random)
            let value = width == 0 ? 0 : (width == 64 ? random.next() : random.next() & ((1 << UInt64(width)) - 1))
            fields.append((value, width))
            writer.write(value, bits: width)
        }
        let bytes = writer.finished()
        #expect(bytes.count == writer.byteCount)
        #expect(bytes.count == (fields.reduce(0) { $0 + $1.1 } + 7) / 8)
        try bytes.withUnsafeBytes { raw in
            var reader = BitReader(raw, from: 0, to: raw.count)
            for (value, width) in fields {
                let read = try reader.read(bits: width)
                #expect(read == value)
            }
            // Past the end (beyond the zero padding of the last byte) the stream reports that it is cut short.
            #expect(throws: PayloadError.self) { _ = try reader.read(bits: 9) }
        }
    }

    @Test func classCodingKeepsTheBitsBelowTheLeadingOne() {
        #expect(ClassCoding.unsigned(0) == (0, 0, 0))
        #expect(ClassCoding.unsigned(1) == (1, 0, 0))
        #expect(ClassCoding.unsigned(2) == (2, 0, 1))
        #expect(ClassCoding.unsigned(0b1011) == (4, 0b011, 3))
        #expect(ClassCoding.unsigned(.max) == (64, .max >> 1, 63))
        #expect(ClassCoding.signed(-1) == (3, 0, 0))
        #expect(ClassCoding.signed(5) == (6, 0b01, 2))
        #expect(ClassCoding.signed(.min) == (129, 0, 63))
    }

    @Test(arguments: [11 as UInt64, 12, 13])
    func childExtentsBehaveLikeADictionary(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var table = ChildExtents(capacity: 4)
        var reference: [UInt64: (UInt64, UInt64)] = [:]
        for _ in 0..<20_000 {
            // A small key space, so keys collide, repeat and get removed while others sit in their probe runs.
            let key = UInt64.random(in: 0..<300, using: &random) &* 0x1_0000_0001
            if Bool.random(using: &random) {
                let start = UInt64.random(in: 0..<1_000, using: &random)
                let end = UInt64.random(in: 0..<1_000, using: &random)
                table.widen(key, start: start, end: end)
                let known = reference[key]
                reference[key] = (min(known?.0 ?? .max, start), max(known?.1 ?? 0, end))
            } else {
                let removed = table.remove(key)
                let expected = reference.removeValue(forKey: key)
                #expect(removed?.start == expected?.0)
                #expect(removed?.end == expected?.1)
            }
            #expect(table.count == reference.count)
        }
    }

    /// Traces written the way a recorder finishes them: children first, then their parent; some children start
    /// before or end after their parent, some parents have no children in the block, a few ids repeat.
    static func childrenFirstTraces(seed: UInt64, count: Int) -> [SpanRecord] {
        var generator = SpanGenerator(seed: seed, scheme: scheme)
        var random = SeededGenerator(seed: seed ^ 0x5EED)
        var spans: [SpanRecord] = []
        var clock: UInt64 = 1_700_000_000_000_000_000
        var counter: UInt64 = 100
        func id() -> SpanID {
            counter += 1
            return SpanID(rawValue: scheme.spanID.apply(counter))
        }
        while spans.count < count {
            let trace = TraceID(high: scheme.traceIDHigh, low: scheme.traceIDLow.apply(counter + 1))
            let root = id()
            let rootStart = clock
            var childEnds: UInt64 = rootStart
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let child = id()
                let childStart = childEnds &+ UInt64.random(in: 0..<50_000, using: &random)
                var grandEnd = childStart
                for _ in 0..<Int.random(in: 0...3, using: &random) {
                    var leaf = generator.span()
                    leaf.traceID = trace
                    leaf.spanID = id()
                    leaf.parentSpanID = child
                    leaf.startUnixNanoseconds = grandEnd &+ UInt64.random(in: 0..<10_000, using: &random)
                    leaf.durationNanoseconds = UInt64.random(in: 1_000..<2_000_000, using: &random)
                    grandEnd = leaf.startUnixNanoseconds &+ leaf.durationNanoseconds
                    spans.append(leaf)
                }
                var middle = generator.span()
                middle.traceID = trace
                middle.spanID = child
                middle.parentSpanID = root
                // Now and then a parent starts after its first child or ends before its last (clock steps).
                let lead = Int64.random(in: -5_000...50_000, using: &random)
                middle.startUnixNanoseconds = childStart &- UInt64(bitPattern: lead)
                middle.durationNanoseconds =
                    (grandEnd &- middle.startUnixNanoseconds)
                    &+ UInt64.random(
                        in: 0..<30_000, using: &random)
                childEnds = middle.startUnixNanoseconds &+ middle.durationNanoseconds
                spans.append(middle)
            }
            var top = generator.span()
            top.traceID = trace
            top.spanID = root
            top.parentSpanID = Int.random(in: 0..<10, using: &random) == 0 ? root : nil  // a span naming itself
            top.startUnixNanoseconds = rootStart
            top.durationNanoseconds = (childEnds &- rootStart) &+ UInt64.random(in: 0..<100_000, using: &random)
            spans.append(top)
            clock = childEnds &+ UInt64.random(in: 0..<1_000_000, using: &random)
            if Int.random(in: 0..<50, using: &random) == 0 { counter -= 3 }  // ids repeat now and then
        }
        return spans
    }

    @Test(arguments: [21 as UInt64, 22, 23])
    func childrenFirstTreesComeBackIdenticalAndParentsAreCodedAgainstTheirChildren(seed: UInt64) throws {
        let spans = Self.childrenFirstTraces(seed: seed, count: 4_000)
        var encoder = BlockEncoder(identifiers: IdentifierKeys(Self.scheme))
        var decoded: [LogEntry] = []
        var blocks = 0
        var parentsCodedAgainstChildren = 0
        for span in spans {
            if !encoder.append(span) {
                parentsCodedAgainstChildren += encoder.parentsCodedAgainstChildren
                try Self.decode(encoder.seal(), into: &decoded)
                blocks += 1
                let appended = encoder.append(span)
                #expect(appended)
            }
        }
        parentsCodedAgainstChildren += encoder.parentsCodedAgainstChildren
        try Self.decode(encoder.seal(), into: &decoded)
        #expect(blocks > 1)
        #expect(decoded.spans == spans)
        let parents = Set(spans.compactMap(\.parentSpanID)).count
        #expect(parentsCodedAgainstChildren > parents / 2)
    }

    /// The writer checks a span against `growthBound` before appending it, never after: the bound must really
    /// bound what appending adds to the sealed payload, or a block could pass the 65,280-byte limit.
    @Test(arguments: [31 as UInt64, 32, 33])
    func appendingASpanNeverGrowsThePayloadByMoreThanItsBound(seed: UInt64) {
        var generator = SpanGenerator(seed: seed, scheme: Self.scheme)
        let spans = Self.childrenFirstTraces(seed: seed, count: 3_000) + (0..<3_000).map { _ in generator.span() }
        for identifiers in [IdentifierKeys(Self.scheme), nil] {
            var encoder = BlockEncoder(identifiers: identifiers)
            var tightest = Int.max
            for span in spans {
                let before = encoder.payloadSize
                let bound = encoder.growthBound(of: span)
                if !encoder.append(span) {
                    _ = encoder.seal()
                    continue
                }
                let grown = encoder.payloadSize - before
                #expect(grown <= bound, "a span grew the payload by \(grown) bytes, bound \(bound)")
                #expect(encoder.payloadSize <= LogFormat.maxPayloadBytes)
                tightest = min(tightest, bound - grown)
            }
            #expect(tightest >= 0)
        }
    }

    @Test func aSpanClosingChildrenItDoesNotHaveIsReportedAsMalformed() throws {
        var encoder = BlockEncoder(identifiers: IdentifierKeys(Self.scheme))
        let spans = Self.childrenFirstTraces(seed: 5, count: 20)
        for span in spans {
            let appended = encoder.append(span)
            #expect(appended)
        }
        #expect(encoder.parentsCodedAgainstChildren > 0)
        var payload = encoder.seal()
        // The block's first span is a leaf: nothing came before it, so `closes_children` on it must be reported.
        guard let flags = try Self.flagsColumn(in: payload) else {
            Issue.record("no flags column")
            return
        }
        payload[flags.lowerBound] |= SpanColumn.Flag.closesChildren
        var entries: [LogEntry] = []
        #expect(throws: PayloadError.self) { try Self.decode(payload, into: &entries) }
    }

    /// A block payload (no id keys) with `strings`, then a span columns record made of `shapes` (raw shape bytes),
    /// `directory` (id, bytes) and `count` spans.
    static func hostilePayload(
        strings: [String], count: Int, shapeCount: Int, shapes: [UInt8], columns: [(UInt64, [UInt8])]
    ) -> [UInt8] {
        var header = PayloadWriter()
        header.appendVarint(0)
        header.appendVarint(UInt64(strings.count))
        for string in strings {
            header.appendVarint(UInt64(string.utf8.count))
            header.appendBytes(string.utf8)
        }
        var record = PayloadWriter()
        record.appendVarint(UInt64(count))
        record.appendVarint(UInt64(shapeCount))
        record.appendBytes(shapes)
        record.appendVarint(UInt64(columns.count))
        for (id, bytes) in columns {
            record.appendVarint(id)
            record.appendVarint(UInt64(bytes.count))
        }
        for (_, bytes) in columns { record.appendBytes(bytes) }
        var payload = PayloadWriter()
        payload.appendByte(LogFormat.RecordType.blockHeader.rawValue)
        payload.appendVarint(UInt64(header.count))
        payload.appendBytes(header.bytes)
        payload.appendByte(LogFormat.RecordType.spanColumns.rawValue)
        payload.appendVarint(UInt64(record.count))
        payload.appendBytes(record.bytes)
        return payload.bytes
    }

    /// Raw-id spans of shape 0, each with a zero gap and duration.
    static func plainSpanColumns(count: Int, flags: UInt8 = 0) -> [(UInt64, [UInt8])] {
        [
            (UInt64(SpanColumn.flags), [UInt8](repeating: flags, count: count)),
            (UInt64(SpanColumn.shape), [UInt8](repeating: 0, count: count)),
            (UInt64(SpanColumn.spanID), [UInt8](repeating: 1, count: 8 * count)),
            (UInt64(SpanColumn.traceID), [UInt8](repeating: 2, count: 16 * count)),
            (UInt64(SpanColumn.gapClass), [UInt8](repeating: 0, count: count)),
            (UInt64(SpanColumn.durationClass), [UInt8](repeating: 0, count: count)),
        ]
    }

    @Test func bytelessBoolAttributesCannotExpandARecordWithoutBound() throws {
        // One shape of 20,000 bool slots (2 bytes each in the shape, nothing per span): four spans would decode
        // to 80,000 attributes, past the per-record limit, and must be refused rather than allocated.
        var shape: [UInt8] = [0, 0]  // name string 0, kind internal, status unset
        var slots = PayloadWriter()
        slots.appendVarint(20_000)
        for _ in 0..<20_000 { slots.appendBytes([0, LogFormat.ValueType.boolTrue.rawValue]) }
        shape += slots.bytes
        var entries: [LogEntry] = []
        let refused = Self.hostilePayload(
            strings: ["k"], count: 4, shapeCount: 1, shapes: shape, columns: Self.plainSpanColumns(count: 4))
        #expect(refused.count <= LogFormat.maxPayloadBytes)
        #expect(throws: PayloadError.self) { try Self.decode(refused, into: &entries) }
        // Three spans (60,000 slots) are within the limit; the repeated key makes one attribute each.
        entries = []
        let accepted = Self.hostilePayload(
            strings: ["k"], count: 3, shapeCount: 1, shapes: shape, columns: Self.plainSpanColumns(count: 3))
        try Self.decode(accepted, into: &entries)
        #expect(entries.spans.count == 3)
        #expect(entries.spans.allSatisfy { $0.attributes.count == 1 && $0.attributes["k"] == .bool(true) })
    }

    @Test func equalKeyStringsAtTwoTableIndexesMakeOneAttribute() throws {
        let shape: [UInt8] = [
            0, 0, 2, 0, LogFormat.ValueType.boolFalse.rawValue, 1, LogFormat.ValueType.boolTrue.rawValue,
        ]
        var entries: [LogEntry] = []
        try Self.decode(
            Self.hostilePayload(
                strings: ["a", "a"], count: 1, shapeCount: 1, shapes: shape, columns: Self.plainSpanColumns(count: 1)),
            into: &entries)
        #expect(entries.spans.first?.attributes.count == 1)
        #expect(entries.spans.first?.attributes["a"] == .bool(true))
    }

    @Test func aReservedColumnListedTwiceIsMalformed() {
        var columns = Self.plainSpanColumns(count: 1)
        columns += [(12, []), (12, [])]
        var entries: [LogEntry] = []
        #expect(throws: PayloadError.self) {
            try Self.decode(
                Self.hostilePayload(strings: ["n"], count: 1, shapeCount: 1, shapes: [0, 0, 0], columns: columns),
                into: &entries)
        }
    }

    @Test func parentIsCounterWithoutAParentIsIgnored() throws {
        var entries: [LogEntry] = []
        try Self.decode(
            Self.hostilePayload(
                strings: ["n"], count: 1, shapeCount: 1, shapes: [0, 0, 0],
                columns: Self.plainSpanColumns(count: 1, flags: SpanColumn.Flag.parentIsCounter)),
            into: &entries)
        #expect(entries.spans.count == 1)
        #expect(entries.spans.first?.parentSpanID == nil)
    }

    /// The byte range of the flags column of the span columns record in `payload`.
    static func flagsColumn(in payload: [UInt8]) throws -> Range<Int>? {
        try payload.withUnsafeBytes { raw -> Range<Int>? in
            var reader = PayloadReader(raw)
            while !reader.isAtEnd {
                let type = try reader.readByte()
                let length = try reader.readCount()
                guard type == LogFormat.RecordType.spanColumns.rawValue else {
                    reader.position += length
                    continue
                }
                _ = try reader.readVarint()  // span count
                let shapes = try reader.readVarint()
                for _ in 0..<shapes {
                    _ = try reader.readVarint()
                    let shapeFlags = try reader.readByte()
                    if (shapeFlags & SpanColumn.ShapeFlag.statusMask) >> SpanColumn.ShapeFlag.statusShift == 2 {
                        _ = try reader.readVarint()
                    }
                    let slots = try reader.readVarint()
                    for _ in 0..<slots {
                        _ = try reader.readVarint()
                        _ = try reader.readByte()
                    }
                }
                let columns = try reader.readVarint()
                var directory: [(UInt64, Int)] = []
                for _ in 0..<columns { directory.append((try reader.readVarint(), try reader.readCount())) }
                var offset = reader.position
                for (id, length) in directory {
                    if id == UInt64(SpanColumn.flags) { return offset..<(offset + length) }
                    offset += length
                }
            }
            return nil
        }
    }

    static func decode(_ payload: [UInt8], into entries: inout [LogEntry]) throws {
        try payload.withUnsafeBytes { raw in
            try BlockDecoder.decode(raw, into: &entries)
        }
    }
}
