// LogReader: reads one trace log file in order: headers, spans, drop notices and damage, with follow support.

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads a trace log file entry by entry; damaged regions come back as `.damage` entries and reading carries on
/// at the next good block.
///
/// ```swift
/// let reader = try LogReader(path: "/var/log/agent/kernel.tklog")
/// for entry in reader {
///     switch entry {
///     case .span(let span): print(span.name, span.durationNanoseconds)
///     case .damage(let damage): print("skipped", damage)
///     default: break
///     }
/// }
/// ```
///
/// In follow mode `next()` returns `nil` when it has caught up with the writer, and can be called again later
/// to get what was written since; an incomplete block at the end is then "not yet written", not damage.
/// When the followed path is rotated (a new file appears under the name), the reader moves to the new file
/// after finishing the old one. See `LogEntries` for an `AsyncSequence` that polls.
public final class LogReader: Sequence, IteratorProtocol {
    /// The path being read.
    public let path: String
    /// Whether the reader waits for a growing file instead of reporting its incomplete tail.
    public let follow: Bool
    /// Reads directly in follow mode; `nil` when a prefetcher reads ahead.
    private var scanner: BlockScanner?
    private let prefetcher: BlockPrefetcher<LogEntry>?
    // A reader is used by one thread at a time and these are never accessed overlappingly, so the dynamic
    // exclusivity checks Swift would make on every entry are switched off.
    @exclusivity(unchecked) private var pending: [LogEntry] = []
    @exclusivity(unchecked) private var pendingIndex = 0
    private var nextOffset: Int64 = 0
    /// The damage returned so far.
    public private(set) var damages: [LogDamage] = []
    /// Whether the last block read was the BGZF end-of-file marker (the writer closed the file cleanly).
    public private(set) var sawEndOfFileMarker = false
    /// Gets every span before `next()` returns it; see `init(path:follow:readAhead:preparingFor:)`.
    private let preparer: (any SplitSpanSink)?
    /// Whether `next()` must call `preparer.prepare` itself (the decoding threads do not).
    private let preparesOnCaller: Bool

    /// Opens `path` for reading from its start.
    ///
    /// With `readAhead` (ignored in follow mode), three helper threads find, inflate and decode the next few
    /// blocks while the caller consumes; pass `false` when opening many files at once.
    ///
    /// With `preparingFor`, every span is passed to the sink's `prepare(_:)` (a block at a time) before `next()`
    /// returns it; the caller passes each span to `consumePrepared(_:)`. With more than two cores, and reading
    /// ahead, the decoding threads do it, so the order-independent part of the sink's work runs in parallel with
    /// the caller; with two or fewer the caller's thread does it when it takes the block.
    ///
    /// ```swift
    /// let reader = try LogReader(path: "app.tklog", preparingFor: analyzer)
    /// for entry in reader {
    ///     if case .span(let span) = entry { analyzer.consumePrepared(span) }
    /// }
    /// ```
    ///
    /// - Throws: `TraceLogError.cannotOpen` when the file cannot be opened.
    public convenience init(
        path: String, follow: Bool = false, readAhead: Bool = true, preparingFor preparer: (any SplitSpanSink)? = nil
    ) throws(TraceLogError) {
        try self.init(
            path: path, follow: follow, readAhead: readAhead, preparingFor: preparer,
            preparingOnDecodingThreads: Self.processorCount > 2)
    }

    /// As the public initialiser, with where spans are prepared chosen by the caller (tests use both).
    init(
        path: String, follow: Bool, readAhead: Bool, preparingFor preparer: (any SplitSpanSink)?,
        preparingOnDecodingThreads onDecodingThreads: Bool
    ) throws(TraceLogError) {
        self.path = path
        self.follow = follow
        self.preparer = preparer
        let scanner = try BlockScanner(file: try FileHandle.openForReading(path))
        if !follow && readAhead {
            // With two cores or fewer, the decoding threads and the caller already keep every core busy, and
            // moving work onto the decoding threads only adds the cost of handing it over (measured on 2 cores:
            // no faster, up to 12% slower), so the caller prepares each block itself when it takes it.
            let prefetcher = BlockPrefetcher<LogEntry>(
                scanner: scanner, path: path, preparer: onDecodingThreads ? preparer : nil)
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

    /// The byte offset after the last block whose entries were handed out.
    public var offset: Int64 { nextOffset }

    /// The next entry, or `nil` at the end (in follow mode: at the end for now).
    public func next() -> LogEntry? {
        while true {
            if pendingIndex < pending.count {
                // Move the entry out (swap in a trivial placeholder) instead of copying it and its references.
                var entry = LogEntry.droppedSpans(
                    DroppedSpans(reason: .bufferFull, count: 0, recordedUnixNanoseconds: 0))
                swap(&entry, &pending[pendingIndex])
                pendingIndex += 1
                if case .damage(let damage) = entry { damages.append(damage) }
                return entry
            }
            pending.removeAll(keepingCapacity: true)
            pendingIndex = 0
            if let prefetcher {
                guard let batch = prefetcher.next() else { return nil }
                pending = batch.entries
                if preparesOnCaller, let preparer { LogEntry.prepare(pending, for: preparer) }
                sawEndOfFileMarker = batch.isEndOfFileMarker
                nextOffset = batch.nextOffset
                continue
            }
            guard let scanner else { return nil }
            guard let isMarker = LogEntry.readStep(scanner, path: path, waitForGrowth: follow, into: &pending) else {
                if follow, moveToRotatedFile() { continue }
                return nil
            }
            if let preparer { LogEntry.prepare(pending, for: preparer) }
            sawEndOfFileMarker = isMarker
            nextOffset = scanner.offset
        }
    }

    /// Processors online (at least 1).
    static let processorCount = Swift.max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// After catching up in follow mode: if our file was rotated away, continue with the file rotated after it
    /// (or with the live file), so no rotated file is skipped even when several rotations happened meanwhile.
    private func moveToRotatedFile() -> Bool {
        guard let current = scanner?.file.identity, FileHandle.identity(ofPath: path) != current else { return false }
        let files = LogRotation.files(for: path)
        let position = files.firstIndex { FileHandle.identity(ofPath: $0) == current }
        let nextPath: String
        if let position {
            guard position + 1 < files.count else { return false }
            nextPath = files[position + 1]
        } else {
            nextPath = path
        }
        guard let file = try? FileHandle.openForReading(nextPath), let next = try? BlockScanner(file: file) else {
            return false
        }
        scanner = next
        return true
    }

    /// Every entry of the file at `path`.
    ///
    /// ```swift
    /// let spans = try LogReader.entries(path: "app.tklog").compactMap { entry -> SpanRecord? in
    ///     if case .span(let span) = entry { return span } else { return nil }
    /// }
    /// ```
    public static func entries(path: String) throws(TraceLogError) -> [LogEntry] {
        Array(try LogReader(path: path))
    }
}

extension Sequence<LogEntry> {
    /// Only the spans.
    public var spans: [SpanRecord] {
        compactMap { entry in
            if case .span(let span) = entry { return span }
            return nil
        }
    }

    /// Only the damage reports.
    public var damages: [LogDamage] {
        compactMap { entry in
            if case .damage(let damage) = entry { return damage }
            return nil
        }
    }
}
