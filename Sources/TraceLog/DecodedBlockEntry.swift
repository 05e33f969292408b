// DecodedBlockEntry: what a reader turns one block into, and the one place a block becomes entries or damage.

import TraceKit

/// What a block decodes to for a reader: `LogEntry`s, or `LogBatchEntry`s with the spans as one batch.
protocol DecodedBlockEntry: SendableMetatype {
    /// Decodes `payload` and appends its entries; on malformed data throws after appending what came before.
    /// With `attributeKeys`, attribute values of other keys may be left out.
    static func decode(_ payload: UnsafeRawBufferPointer, attributeKeys: Set<String>?, into entries: inout [Self])
        throws(PayloadError)
    /// A damaged region (the enums' `damage` case).
    static func damage(_ damage: LogDamage) -> Self
    /// A trivial entry, swapped in where an entry is moved out of an array.
    static var placeholder: Self { get }
    /// Hands the spans among `entries` to `preparer` (see `LogReader(path:preparingFor:)`).
    static func prepare(_ entries: [Self], for preparer: any SplitSpanSink)
}

extension LogEntry: DecodedBlockEntry {
    static var placeholder: LogEntry {
        .droppedSpans(DroppedSpans(reason: .bufferFull, count: 0, recordedUnixNanoseconds: 0))
    }

    static func decode(_ payload: UnsafeRawBufferPointer, attributeKeys: Set<String>?, into entries: inout [LogEntry])
        throws(PayloadError)
    {
        try BlockDecoder.decode(payload, into: &entries)
    }

    /// Passes the spans among `entries` to `preparer`, as one batch.
    static func prepare(_ entries: [LogEntry], for preparer: any SplitSpanSink) {
        var spans: [SpanRecord] = []
        spans.reserveCapacity(entries.count)
        for entry in entries {
            if case .span(let span) = entry { spans.append(span) }
        }
        preparer.prepare(contentsOf: spans)
    }
}

extension LogBatchEntry: DecodedBlockEntry {
    static var placeholder: LogBatchEntry {
        .droppedSpans(DroppedSpans(reason: .bufferFull, count: 0, recordedUnixNanoseconds: 0))
    }

    static func decode(
        _ payload: UnsafeRawBufferPointer, attributeKeys: Set<String>?, into entries: inout [LogBatchEntry]
    ) throws(PayloadError) {
        try BlockDecoder.decodeBatches(payload, attributeKeys: attributeKeys, into: &entries)
    }

    static func prepare(_ entries: [LogBatchEntry], for preparer: any SplitSpanSink) {
        for case .spans(let batch) in entries { preparer.prepare(batch) }
    }
}

extension DecodedBlockEntry {
    /// Decodes one inflated block payload (`size` bytes on disk at `offset`) into `entries`; a malformed payload
    /// becomes a damage entry for the whole block, after the entries decoded before the bad record.
    static func decodeBlock(
        _ payload: UnsafeRawBufferPointer, offset: Int64, size: Int, path: String, attributeKeys: Set<String>?,
        into entries: inout [Self]
    ) {
        do throws(PayloadError) {
            try decode(payload, attributeKeys: attributeKeys, into: &entries)
        } catch {
            let reason = "malformed payload at byte \(error.position): \(error.reason)"
            entries.append(
                damage(
                    LogDamage(path: path, offset: offset, length: Int64(size), reason: reason, kind: .malformedPayload))
            )
        }
    }

    /// Reads one block or damaged region from `scanner` into `entries`; returns whether it was the end-of-file
    /// marker, or `nil` at the end of the file.
    static func readStep(
        _ scanner: BlockScanner, path: String, waitForGrowth: Bool, attributeKeys: Set<String>? = nil,
        into entries: inout [Self]
    ) -> Bool? {
        switch scanner.next(waitForGrowth: waitForGrowth) {
        case .block(let offset, let size, let payloadLength):
            scanner.inflater.payload.withUnsafeBytes { raw in
                decodeBlock(
                    UnsafeRawBufferPointer(rebasing: raw[0..<payloadLength]), offset: offset, size: size, path: path,
                    attributeKeys: attributeKeys, into: &entries)
            }
            return payloadLength == 0
        case .damage(let offset, let length, let reason, let kind):
            entries.append(damage(LogDamage(path: path, offset: offset, length: length, reason: reason, kind: kind)))
            return false
        case .end:
            return nil
        }
    }
}
