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
    /// The blocks' entries, read directly (always in follow mode) or ahead.
    private let source: BlockEntrySource<LogEntry>
    /// The damage returned so far.
    public private(set) var damages: [LogDamage] = []
    /// Whether the last block read was the BGZF end-of-file marker (the writer closed the file cleanly).
    public var sawEndOfFileMarker: Bool { source.sawEndOfFileMarker }

    /// How far into a file or stream a reader looks for a first valid block before it gives up (16 MiB): past that,
    /// without one, the input is no trace log, and an endless stream (`/dev/zero`) is not searched forever. After a
    /// first good block, damage of any length is skipped.
    ///
    /// ```swift
    /// let giveUpAfter = LogReader.firstBlockSearchBytes   // 16_777_216
    /// ```
    public static let firstBlockSearchBytes: Int64 = 16 << 20

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
        // With two cores or fewer, the decoding threads and the caller already keep every core busy, and moving
        // work onto the decoding threads only adds the cost of handing it over (measured on 2 cores: no faster,
        // up to 12% slower), so the caller prepares each block itself when it takes it.
        source = BlockEntrySource(
            path: path, scanner: try BlockScanner(file: try FileHandle.openForReading(path)),
            readAhead: !follow && readAhead, preparer: preparer, preparingOnDecodingThreads: onDecodingThreads)
    }

    /// The byte offset after the last block whose entries were handed out.
    public var offset: Int64 { source.offset }

    /// The next entry, or `nil` at the end (in follow mode: at the end for now).
    public func next() -> LogEntry? {
        while true {
            if let entry = source.next(waitForGrowth: follow) {
                if case .damage(let damage) = entry { damages.append(damage) }
                return entry
            }
            if follow, moveToRotatedFile() { continue }
            return nil
        }
    }

    /// Processors online (at least 1).
    static let processorCount = Swift.max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    /// After catching up in follow mode: if our file was rotated away, continue with the file rotated after it
    /// (or with the live file), so no rotated file is skipped even when several rotations happened meanwhile.
    private func moveToRotatedFile() -> Bool {
        guard let current = source.scanner?.file.identity, FileHandle.identity(ofPath: path) != current else {
            return false
        }
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
        source.scanner = next
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
