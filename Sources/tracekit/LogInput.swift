// LogInput: opens the logs named on the command line (files or directories) and streams their spans.

import Foundation
import TraceAnalysis
import TraceKit
import TraceLog

/// What reading one log file found.
struct LogFileSummary {
    /// The file, as given (or as found in a directory).
    var path: String
    /// Its size when read.
    var sizeBytes: Int64
    /// Spans read.
    var spanCount = 0
    /// File headers read (one per writer session).
    var headerCount = 0
    /// The resource of the first header, if any.
    var resource: Resource?
    /// Spans the writer reported lost (drop notices).
    var droppedSpanCount: UInt64 = 0
    /// Damaged regions skipped.
    var damages: [LogDamage] = []
    /// Whether the file ends with the BGZF end-of-file marker (the writer closed it cleanly).
    var sawEndOfFileMarker = false
    /// The offset after the last block read: a second pass that stops here reads what the first read, even if
    /// the file grew in between.
    var endOffset: Int64 = 0

    mutating func add(_ header: LogFileHeader) {
        headerCount += 1
        if resource == nil { resource = header.resource }
    }

    /// Throws when the file held neither a file header nor a span: then it is not a trace log.
    func checkIsALog() throws(CLIError) {
        guard headerCount == 0, spanCount == 0 else { return }
        let reason = damages.first.map { "no readable block (at offset \($0.offset): \($0.reason))" }
        throw .notATraceLog(path: path, reason: reason ?? "no file header and no spans")
    }
}

/// Turns command-line paths into log files and reads them one after another, in file order.
enum LogInput {
    /// The log files behind `paths`: a directory stands for its `.tklog` files (rotated ones included).
    static func files(_ paths: [String]) throws(CLIError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .cannotRead(path: path, reason: SystemError.message(ENOENT))
            }
            if isDirectory.boolValue {
                let found = LogRotation.logFiles(inDirectory: path)
                if found.isEmpty { throw .notATraceLog(path: path, reason: "the directory holds no .tklog files") }
                files += found
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Reads every file behind `paths` in turn, handing each span to `onSpan` in file order (the order spans
    /// finished in), with a progress bar on a terminal. With `preparer`, each span has been passed to its
    /// `prepare(_:)` on the reader's decoding threads before `onSpan` gets it.
    ///
    /// - Throws: `CLIError.cannotRead` or `.notATraceLog` for the first file that is unreadable or holds
    ///   neither a file header nor a span.
    static func read(
        _ paths: [String], progress mode: ProgressMode, preparingFor preparer: (any SplitSpanSink)? = nil,
        onSpan: (SpanRecord) -> Void
    ) throws(CLIError) -> [LogFileSummary] {
        try eachFile(paths, progress: mode) { (path, size, onProgress) throws(CLIError) in
            try readFile(path, size: size, preparingFor: preparer, onSpan: onSpan, onProgress: onProgress)
        }
    }

    /// Reads every file behind `paths` in turn with `readOne`, which reports how far it has read in the file;
    /// the progress bar on a terminal covers all the files.
    private static func eachFile(
        _ paths: [String], progress mode: ProgressMode, label: String = "",
        readOne: (String, Int64, (Int64) -> Void) throws(CLIError) -> LogFileSummary
    ) throws(CLIError) -> [LogFileSummary] {
        let files = try files(paths)
        let sizes = files.map { fileSize($0) }
        let progress = ProgressBar(totalBytes: sizes.reduce(0, +), mode: mode, label: label)
        defer { progress.finish() }
        var summaries: [LogFileSummary] = []
        var bytesBefore: Int64 = 0
        for (path, size) in zip(files, sizes) {
            summaries.append(try readOne(path, size) { offset in progress.update(doneBytes: bytesBefore + offset) })
            bytesBefore += size
        }
        return summaries
    }

    /// All spans of `paths`, in file order, and the per-file summaries.
    static func spans(
        _ paths: [String], progress: ProgressMode
    ) throws(CLIError) -> (spans: [SpanRecord], files: [LogFileSummary]) {
        var spans: [SpanRecord] = []
        let files = try read(paths, progress: progress) { spans.append($0) }
        return (spans, files)
    }

    /// Reads one file; see `read(_:progress:onSpan:)`.
    static func readFile(
        _ path: String, size: Int64, preparingFor preparer: (any SplitSpanSink)? = nil, onSpan: (SpanRecord) -> Void,
        onProgress: (Int64) -> Void = { _ in }
    ) throws(CLIError) -> LogFileSummary {
        if size == 0 { throw .notATraceLog(path: path, reason: "the file is empty") }
        let reader: LogReader
        do {
            reader = try LogReader(path: path, preparingFor: preparer)
        } catch {
            throw .reading(path, error)
        }
        var summary = LogFileSummary(path: path, sizeBytes: size)
        var sinceProgress = 0
        while let entry = reader.next() {
            switch entry {
            case .span(let span):
                summary.spanCount += 1
                onSpan(span)
            case .header(let header):
                summary.add(header)
            case .droppedSpans(let dropped):
                summary.droppedSpanCount += dropped.count
            case .damage(let damage):
                summary.damages.append(damage)
            }
            sinceProgress += 1
            if sinceProgress >= 4096 {
                sinceProgress = 0
                onProgress(reader.offset)
            }
        }
        summary.sawEndOfFileMarker = reader.sawEndOfFileMarker
        summary.endOffset = reader.offset
        try summary.checkIsALog()
        return summary
    }

    /// The spans of `traceIDs` in the logs behind `paths`, in file order, a block at a time; with `endOffsets`
    /// (see `readBatches`), each file only as far as an earlier pass read it.
    static func spans(
        of traceIDs: Set<TraceID>, in paths: [String], progress: ProgressMode, label: String = "",
        endOffsets: [String: Int64]? = nil
    ) throws(CLIError) -> (spans: [SpanRecord], files: [LogFileSummary]) {
        var spans: [SpanRecord] = []
        let files = try readBatches(paths, progress: progress, label: label, endOffsets: endOffsets) { batch in
            for index in 0..<batch.count where traceIDs.contains(batch.traceIDs[index]) {
                spans.append(batch.record(at: index))
            }
        }
        return (spans, files)
    }

    /// The trees of `chosen` (trace ids a first pass ranked, slowest first), in that order, from a second pass over
    /// `firstPass`'s files that reads each only as far as the first pass did. Warns about the damage of the second
    /// pass (it decodes every attribute, where a first pass may have skipped some), or of the first when nothing
    /// was chosen, and about chosen traces it did not find (a file replaced in between, or damage only a full
    /// decode sees).
    static func trees(
        of chosen: [TraceID], in firstPass: [LogFileSummary], progress: ProgressMode
    ) throws(CLIError) -> [SpanTree] {
        guard !chosen.isEmpty else {
            warnAboutDamage(firstPass)
            return []
        }
        let endOffsets = Dictionary(firstPass.map { ($0.path, $0.endOffset) }, uniquingKeysWith: max)
        let (spans, secondPass) = try spans(
            of: Set(chosen), in: firstPass.map(\.path), progress: progress, label: "pass 2/2 ", endOffsets: endOffsets)
        warnAboutDamage(secondPass)
        let forest = TraceForest(spans)
        let trees = chosen.compactMap(forest.tree(for:))
        if trees.count < chosen.count {
            StandardError.write(
                "tracekit: warning: \(chosen.count - trees.count) of the \(chosen.count) traces chosen in the first "
                    + "pass were not found in the second (a file was replaced, or damage shows only when every "
                    + "attribute is decoded)\n")
        }
        return trees
    }

    /// Reads every file behind `paths` in turn a block at a time, handing each block's spans to `onBatch` in
    /// file order, with a progress bar on a terminal: no `SpanRecord` per span (see `LogBatchReader`). With
    /// `attributes`, only those attribute values are decoded; with `preparer`, each batch is prepared on the
    /// decoding threads first (`LogBatchReader(path:attributes:preparingFor:)`). With `endOffsets` (the
    /// `endOffset` of each file of an earlier pass, by path), a file is read only as far as then. Reading stops
    /// early once `stop` returns true.
    static func readBatches(
        _ paths: [String], progress mode: ProgressMode, label: String = "", attributes: Set<String>? = nil,
        preparingFor preparer: (any SplitSpanSink)? = nil, endOffsets: [String: Int64]? = nil,
        until stop: () -> Bool = { false }, onBatch: (SpanBatch) -> Void
    ) throws(CLIError) -> [LogFileSummary] {
        try eachFile(paths, progress: mode, label: label) { (path, size, onProgress) throws(CLIError) in
            if size == 0 { throw .notATraceLog(path: path, reason: "the file is empty") }
            let reader: LogBatchReader
            do throws(TraceLogError) {
                reader = try LogBatchReader(path: path, attributes: attributes, preparingFor: preparer)
            } catch {
                throw .reading(path, error)
            }
            var summary = LogFileSummary(path: path, sizeBytes: size)
            let limit = endOffsets.map { $0[path] ?? 0 }
            while !stop(), let entry = reader.next() {
                // `offset` is now the end of the block this entry came from.
                if let limit, reader.offset > limit { break }
                switch entry {
                case .spans(let batch):
                    summary.spanCount += batch.count
                    onBatch(batch)
                case .header(let header): summary.add(header)
                case .droppedSpans(let dropped): summary.droppedSpanCount += dropped.count
                case .damage(let damage): summary.damages.append(damage)
                }
                summary.endOffset = reader.offset
                onProgress(reader.offset)
            }
            summary.sawEndOfFileMarker = reader.sawEndOfFileMarker
            try summary.checkIsALog()
            return summary
        }
    }

    /// The resource of the first file header in the files behind `paths`, skipping damaged regions; `nil` when no
    /// file starts with a header.
    static func firstResource(_ paths: [String]) throws(CLIError) -> Resource? {
        for path in try files(paths) {
            let reader: LogReader
            do {
                reader = try LogReader(path: path, readAhead: false)
            } catch {
                throw .reading(path, error)
            }
            scan: while let entry = reader.next() {
                switch entry {
                case .header(let header): return header.resource
                case .span: break scan
                case .damage, .droppedSpans: continue
                }
            }
        }
        return nil
    }

    /// The file header `path` starts with, `nil` when the first block holds none; reads one block only.
    static func firstHeader(_ path: String) throws(CLIError) -> LogFileHeader? {
        let reader: LogReader
        do {
            reader = try LogReader(path: path, readAhead: false)
        } catch {
            throw .reading(path, error)
        }
        if case .header(let header) = reader.next() { return header }
        return nil
    }

    /// The size of `path` in bytes, 0 when unknown.
    static func fileSize(_ path: String) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Prints one warning line per damaged file to stderr (the commands other than `verify` carry on).
    static func warnAboutDamage(_ files: [LogFileSummary]) {
        for file in files where !file.damages.isEmpty {
            let first = file.damages[0]
            let more = file.damages.count > 1 ? " (and \(file.damages.count - 1) more)" : ""
            StandardError.write(
                "tracekit: warning: \(file.path): skipped \(file.damages.count) damaged region(s): "
                    + "offset \(first.offset), \(first.reason)\(more); run `tracekit verify` for details\n")
        }
        for file in files where file.droppedSpanCount > 0 {
            StandardError.write(
                "tracekit: warning: \(file.path): the writer dropped \(file.droppedSpanCount) span(s)\n")
        }
    }
}
