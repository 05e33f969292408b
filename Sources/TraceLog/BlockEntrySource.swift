// BlockEntrySource: a log's entries block by block, read directly or ahead, for LogReader and LogBatchReader.

import TraceKit

/// The entries of a log file in file order, a block at a time: read directly on the caller's thread, or ahead
/// by a `BlockPrefetcher`, with an optional `SplitSpanSink` prepared with each block before its entries are handed
/// out (on the decoding threads, or on the caller's thread when they do not). What `LogReader` and
/// `LogBatchReader` share; they add what is their own (damage bookkeeping, following a rotated file).
///
/// ```swift
/// let source = BlockEntrySource<LogEntry>(
///     path: path, scanner: scanner, readAhead: true, preparer: nil, preparingOnDecodingThreads: false)
/// while let entry = source.next(waitForGrowth: false) { handle(entry) }
/// ```
final class BlockEntrySource<Entry: DecodedBlockEntry> {
    let path: String
    /// Reads directly; `nil` when the prefetcher reads ahead. Replaced when a followed file was rotated.
    var scanner: BlockScanner?
    private let prefetcher: BlockPrefetcher<Entry>?
    /// Gets every block's entries before they are handed out.
    private let preparer: (any SplitSpanSink)?
    /// Whether `next` must call `preparer.prepare` itself (the decoding threads do not).
    private let preparesOnCaller: Bool
    /// The attribute keys whose values are decoded (nil: all).
    private let attributeKeys: Set<String>?
    // Used by one thread at a time and never accessed overlappingly, so the dynamic exclusivity checks Swift
    // would make on every entry are switched off.
    @exclusivity(unchecked) private var pending: [Entry] = []
    @exclusivity(unchecked) private var pendingIndex = 0
    /// The byte offset after the last block whose entries were handed out.
    private(set) var offset: Int64 = 0
    /// Whether the last block read was the BGZF end-of-file marker.
    private(set) var sawEndOfFileMarker = false

    /// Reads `scanner`'s file; with `readAhead`, through a prefetcher when its threads start.
    init(
        path: String, scanner: BlockScanner, readAhead: Bool, preparer: (any SplitSpanSink)?,
        preparingOnDecodingThreads onDecodingThreads: Bool, attributeKeys: Set<String>? = nil
    ) {
        self.path = path
        self.preparer = preparer
        self.attributeKeys = attributeKeys
        if readAhead {
            let prefetcher = BlockPrefetcher<Entry>(
                scanner: scanner, path: path, preparer: onDecodingThreads ? preparer : nil,
                attributeKeys: attributeKeys)
            if prefetcher.start() {
                self.prefetcher = prefetcher
                self.scanner = nil
                self.preparesOnCaller = !onDecodingThreads
                return
            }
        }
        self.prefetcher = nil
        self.scanner = scanner
        self.preparesOnCaller = true
    }

    deinit {
        prefetcher?.cancel()
    }

    /// The next entry, or `nil` when no block is left (reading directly with `waitForGrowth`: none yet).
    func next(waitForGrowth: Bool) -> Entry? {
        while true {
            if pendingIndex < pending.count {
                // Move the entry out (swap in a trivial placeholder) instead of copying it and its references.
                var entry = Entry.placeholder
                swap(&entry, &pending[pendingIndex])
                pendingIndex += 1
                return entry
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if let prefetcher {
                guard let batch = prefetcher.next() else { return nil }
                pending = batch.entries
                if preparesOnCaller, let preparer { Entry.prepare(pending, for: preparer) }
                sawEndOfFileMarker = batch.isEndOfFileMarker
                offset = batch.nextOffset
                continue
            }
            guard let scanner,
                let isMarker = Entry.readStep(
                    scanner, path: path, waitForGrowth: waitForGrowth, attributeKeys: attributeKeys, into: &pending)
            else { return nil }
            if let preparer { Entry.prepare(pending, for: preparer) }
            sawEndOfFileMarker = isMarker
            offset = scanner.offset
        }
    }
}
