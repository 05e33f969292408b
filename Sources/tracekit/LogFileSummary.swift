// LogFileSummary: what reading one log file found, and whether it is a TraceKit log at all.

import TraceKit
import TraceLog

/// What reading one log file found.
struct LogFileSummary {
    /// The file read.
    var source: LogSource
    /// Its size: a regular file's when it was looked at, a stream's bytes read once it has been read.
    var sizeBytes: Int64
    /// Spans read.
    var spanCount = 0
    /// File headers read (one per writer session).
    var headerCount = 0
    /// The resource of the first header, if any.
    var resource: Resource?
    /// The highest format version among the file headers (0 before the first).
    var newestFormatVersion: UInt64 = 0
    /// Spans the writer reported lost (drop notices).
    var droppedSpanCount: UInt64 = 0
    /// Damaged regions skipped.
    var damages: [LogDamage] = []
    /// Whether the file ends with the BGZF end-of-file marker (the writer closed it cleanly).
    var sawEndOfFileMarker = false
    /// The offset after the last block read: a second pass that stops here reads what the first read, even if
    /// the file grew in between.
    var endOffset: Int64 = 0

    init(source: LogSource) {
        self.source = source
        self.sizeBytes = source.sizeBytes ?? 0
    }

    /// The file, as given (or as found in a directory).
    var path: String { source.path }

    mutating func add(_ header: LogFileHeader) {
        headerCount += 1
        if resource == nil { resource = header.resource }
        newestFormatVersion = max(newestFormatVersion, header.formatVersion)
    }

    /// Records where reading ended; a stream's size is what was read of it.
    mutating func finish(endOffset: Int64, sawEndOfFileMarker: Bool) {
        self.endOffset = endOffset
        self.sawEndOfFileMarker = sawEndOfFileMarker
        if source.isStream { sizeBytes = endOffset }
    }

    /// A note that the file was written in a newer format than this tracekit reads, `nil` when it was not: it was
    /// read as far as this version knows the format (Docs/LogFormat.md section 2.3), and may hold more.
    var newerFormatNote: String? {
        guard newestFormatVersion > LogFileHeader.newestKnownFormatVersion else { return nil }
        return "written in trace log format version \(newestFormatVersion), newer than the version "
            + "\(LogFileHeader.newestKnownFormatVersion) this tracekit reads: what it does not know (records, columns, "
            + "fields) was skipped; a newer tracekit reads all of it"
    }

    /// Throws when the file holds nothing of a TraceKit log: no file header, no span, no drop notice, and no block
    /// at its start that could be one of ours.
    ///
    /// A file whose first block is torn (the file ends inside it, as after a crash while the first block was being
    /// written) or fails its checks has a valid BGZF block header at offset 0, which only a BGZF writer puts there:
    /// it is a damaged log, with nothing left to read, rather than something else. A BGZF file whose blocks
    /// inflate to something other than TraceKit records (a `bgzip`ped text file) is not a TraceKit log.
    func checkIsALog() throws(CLIError) {
        guard headerCount == 0, spanCount == 0, droppedSpanCount == 0 else { return }
        if let first = damages.first, first.offset == 0,
            first.kind == .truncatedBlock || first.kind == .corruptBlock,
            !damages.contains(where: { $0.kind == .malformedPayload })
        {
            return
        }
        if let first = damages.first {
            throw .notATraceLog(path: path, reason: "no readable block (at offset \(first.offset): \(first.reason))")
        }
        if sizeBytes == 0 {
            throw .notATraceLog(path: path, reason: source.isStream ? "the stream is empty" : "the file is empty")
        }
        throw .notATraceLog(path: path, reason: "no file header and no spans")
    }
}
