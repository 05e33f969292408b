// LogSetReport: what a replay of a LogSet read in each file, and which files it skipped.

import TraceKit

extension LogSet {
    /// What a replay of a set read: a report per file read, and the files it skipped.
    ///
    /// ```swift
    /// let report = logs.readSpans { entry, _ in if case .span(let span) = entry { print(span.name) } }
    /// let spans = report.files.reduce(0) { $0 + $1.spanCount }
    /// ```
    public struct Report: Sendable {
        /// The files read, in the order they were read (that of ``LogSet/files``).
        public var files: [FileReport] = []
        /// The files that could not be opened, or turned out to hold nothing of a TraceKit log, in order. The
        /// problems found before reading are in ``LogSet/problems``, not here.
        public var skipped: [Problem] = []

        /// An empty report.
        public init() {}
    }

    /// What reading one log file found.
    public struct FileReport: Sendable {
        /// The file read.
        public var file: File
        /// Its size: a regular file's when it was looked at; for a stream, or a file named without being looked
        /// at, the bytes read once it has been read.
        public var sizeBytes: Int64
        /// Spans read.
        public var spanCount = 0
        /// File headers read (one per writer session).
        public var headerCount = 0
        /// The resource of the first header, if any.
        public var resource: Resource?
        /// The highest format version among the file headers (0 before the first); above
        /// `LogFileHeader.newestKnownFormatVersion`, the file may hold what this reader skipped.
        public var newestFormatVersion: UInt64 = 0
        /// Spans the writer reported lost (drop notices).
        public var droppedSpanCount: UInt64 = 0
        /// Damaged regions skipped, in file order.
        public var damages: [LogDamage] = []
        /// Whether the file ends with the BGZF end-of-file marker (the writer closed it cleanly).
        public var sawEndOfFileMarker = false
        /// The offset after the last block read: a second replay that stops here (`asFarAs:`) reads what the
        /// first read, even if the file grew in between.
        public var endOffset: Int64 = 0

        /// A report of nothing read yet from `file`.
        public init(file: File) {
            self.file = file
            self.sizeBytes = file.sizeBytes ?? 0
        }

        /// The file, as given (or as found in a directory).
        public var path: String { file.path }

        mutating func add(_ header: LogFileHeader) {
            headerCount += 1
            if resource == nil { resource = header.resource }
            newestFormatVersion = max(newestFormatVersion, header.formatVersion)
        }

        /// Counts `entry`.
        mutating func add(_ entry: LogEntry) {
            switch entry {
            case .span: spanCount += 1
            case .header(let header): add(header)
            case .droppedSpans(let dropped): droppedSpanCount += dropped.count
            case .damage(let damage): damages.append(damage)
            }
        }

        /// Counts `entry`.
        mutating func add(_ entry: LogBatchEntry) {
            switch entry {
            case .spans(let batch): spanCount += batch.count
            case .header(let header): add(header)
            case .droppedSpans(let dropped): droppedSpanCount += dropped.count
            case .damage(let damage): damages.append(damage)
            }
        }

        /// Records where reading ended; the size of a file whose size was not known is what was read of it.
        mutating func finish(endOffset: Int64, sawEndOfFileMarker: Bool) {
            self.endOffset = endOffset
            self.sawEndOfFileMarker = sawEndOfFileMarker
            if file.isStream || file.sizeBytes == nil { sizeBytes = endOffset }
        }

        /// Why the file is no TraceKit log, `nil` when it is one: it holds no file header, no span, no drop notice,
        /// and no block at its start that could be one of ours.
        ///
        /// A file whose first block is torn (the file ends inside it, as after a crash while the first block was
        /// being written) or fails its checks has a valid BGZF block header at offset 0, which only a BGZF writer
        /// puts there: it is a damaged log, with nothing left to read, rather than something else. A BGZF file whose
        /// blocks inflate to something other than TraceKit records (a `bgzip`ped text file) is not a TraceKit log.
        var notALog: Problem? {
            guard headerCount == 0, spanCount == 0, droppedSpanCount == 0 else { return nil }
            if let first = damages.first, first.offset == 0,
                first.kind == .truncatedBlock || first.kind == .corruptBlock,
                !damages.contains(where: { $0.kind == .malformedPayload })
            {
                return nil
            }
            if let first = damages.first {
                return .notATraceLog(
                    path: path, reason: "no readable block (at offset \(first.offset): \(first.reason))")
            }
            if sizeBytes == 0 {
                return .notATraceLog(path: path, reason: file.isStream ? "the stream is empty" : "the file is empty")
            }
            return .notATraceLog(path: path, reason: "no file header and no spans")
        }
    }
}
