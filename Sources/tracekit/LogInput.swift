// LogInput: reads the logs a command is given (files, directories, streams) and streams their spans.

import TraceAnalysis
import TraceKit
import TraceLog

/// Reads the logs behind a command's paths one after another, in file order, skipping those that cannot be read.
enum LogInput {
    /// Reads every source of `inputs` in turn with `readOne`, which reports how far it has read in the source; a
    /// source that fails is skipped (it is in the run's `skipped`, after `inputs.problems`) and the rest are read.
    /// The progress bar on a terminal covers all the sources.
    private static func eachSource(
        _ inputs: LogSources, progress mode: ProgressMode, label: String = "",
        readOne: (LogSource, (Int64) -> Void) throws(CLIError) -> LogFileSummary
    ) -> LogRun {
        var run = LogRun(skipped: inputs.problems)
        let total = inputs.totalBytes
        let progress = ProgressBar(total: total.isComplete ? total.bytes : nil, mode: mode, label: label)
        defer { progress.finish() }
        var bytesBefore: Int64 = 0
        for source in inputs.sources {
            do {
                let summary = try readOne(source) { offset in progress.update(done: bytesBefore + offset) }
                run.files.append(summary)
                bytesBefore += summary.source.isStream ? summary.sizeBytes : source.sizeBytes ?? 0
            } catch {
                run.skipped.append(error)
                bytesBefore += source.sizeBytes ?? 0
            }
        }
        return run
    }

    /// Reads every log of `inputs` in turn, handing each span to `onSpan` in file order (the order spans finished
    /// in), with a progress bar on a terminal. With `preparer`, each span has been passed to its `prepare(_:)` on
    /// the reader's decoding threads before `onSpan` gets it.
    static func read(
        _ inputs: LogSources, progress mode: ProgressMode, label: String = "",
        preparingFor preparer: (any SplitSpanSink)? = nil, onSpan: (SpanRecord) -> Void
    ) -> LogRun {
        eachSource(inputs, progress: mode, label: label) { (source, onProgress) throws(CLIError) in
            try readFile(source, preparingFor: preparer, onSpan: onSpan, onProgress: onProgress)
        }
    }

    /// Reads every log behind `paths` as `read(_:progress:preparingFor:onSpan:)` does, for a command that needs every
    /// one of them (`diff`: a comparison that silently left a file out would mislead).
    ///
    /// - Throws: the error of the first input that cannot be read or is not a TraceKit log.
    static func read(
        _ paths: [String], progress mode: ProgressMode, onSpan: (SpanRecord) -> Void
    ) throws(CLIError) -> [LogFileSummary] {
        let run = read(LogSources(paths), progress: mode, onSpan: onSpan)
        if let first = run.skipped.first { throw first }
        return run.files
    }

    /// Prints one warning line per damaged file, per file with drop notices, and per file in a newer format than
    /// this tracekit reads, to stderr.
    static func warnAboutDamage(_ files: [LogFileSummary]) {
        for file in files {
            if let note = file.newerFormatNote { StandardError.write("tracekit: warning: \(file.path): \(note)\n") }
        }
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

    /// All spans of `inputs`, in file order, and what reading found.
    static func spans(_ inputs: LogSources, progress: ProgressMode) -> (spans: [SpanRecord], run: LogRun) {
        var spans: [SpanRecord] = []
        let run = read(inputs, progress: progress) { spans.append($0) }
        return (spans, run)
    }

    /// Reads one log; see `read(_:progress:preparingFor:onSpan:)`.
    ///
    /// - Throws: `CLIError.cannotRead` or `.notATraceLog` when the file cannot be opened or holds nothing of a
    ///   TraceKit log.
    static func readFile(
        _ source: LogSource, preparingFor preparer: (any SplitSpanSink)? = nil, onSpan: (SpanRecord) -> Void,
        onProgress: (Int64) -> Void = { _ in }
    ) throws(CLIError) -> LogFileSummary {
        let reader: LogReader
        do {
            reader = try LogReader(path: source.openPath, preparingFor: preparer)
        } catch {
            throw .reading(source.path, error)
        }
        var summary = LogFileSummary(source: source)
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
        summary.finish(endOffset: reader.offset, sawEndOfFileMarker: reader.sawEndOfFileMarker)
        try summary.checkIsALog()
        return summary
    }

    /// The spans of `traceIDs` in the logs of `inputs`, in file order, a block at a time; with `endOffsets` (see
    /// `readBatches`), each file only as far as an earlier pass read it.
    static func spans(
        of traceIDs: Set<TraceID>, in inputs: LogSources, progress: ProgressMode, label: String = "",
        endOffsets: [String: Int64]? = nil
    ) -> (spans: [SpanRecord], run: LogRun) {
        var spans: [SpanRecord] = []
        let run = readBatches(inputs, progress: progress, label: label, endOffsets: endOffsets) { batch in
            for index in 0..<batch.count where traceIDs.contains(batch.traceIDs[index]) {
                spans.append(batch.record(at: index))
            }
        }
        return (spans, run)
    }

    /// The trees of `chosen` (trace ids a first pass ranked, slowest first), in that order, from a second pass over
    /// the files `firstPass` read, each only as far as the first pass did; what the second pass found is merged
    /// into `firstPass` (it decodes every attribute, where a first pass may have skipped some, so it may see more
    /// damage). Warns about chosen traces it did not find (a file replaced in between, or damage only a full
    /// decode sees).
    static func trees(
        of chosen: [TraceID], in firstPass: inout LogRun, progress: ProgressMode
    ) -> [SpanTree] {
        guard !chosen.isEmpty else { return [] }
        let endOffsets = Dictionary(firstPass.files.map { ($0.path, $0.endOffset) }, uniquingKeysWith: max)
        let (spans, secondPass) = spans(
            of: Set(chosen), in: LogSources(sources: firstPass.files.map(\.source)), progress: progress,
            label: "pass 2/2 ", endOffsets: endOffsets)
        firstPass.merge(secondPass: secondPass)
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

    /// Reads every log of `inputs` in turn a block at a time, handing each block's spans to `onBatch` and each file
    /// header to `onHeader` in file order, with a progress bar on a terminal: no `SpanRecord` per span (see
    /// `LogBatchReader`). With `attributes`, only those attribute values are decoded; with `preparer`, each batch is
    /// prepared on the decoding threads first (`LogBatchReader(path:attributes:preparingFor:)`). With `endOffsets`
    /// (the `endOffset` of each file of an earlier pass, by path), a file is read only as far as then. Reading
    /// stops early once `stop` returns true.
    static func readBatches(
        _ inputs: LogSources, progress mode: ProgressMode, label: String = "", attributes: Set<String>? = nil,
        preparingFor preparer: (any SplitSpanSink)? = nil, endOffsets: [String: Int64]? = nil,
        until stop: () -> Bool = { false }, onHeader: (LogFileHeader) -> Void = { _ in },
        onBatch: (SpanBatch) -> Void
    ) -> LogRun {
        eachSource(inputs, progress: mode, label: label) { (source, onProgress) throws(CLIError) in
            let reader: LogBatchReader
            do throws(TraceLogError) {
                reader = try LogBatchReader(path: source.openPath, attributes: attributes, preparingFor: preparer)
            } catch {
                throw .reading(source.path, error)
            }
            var summary = LogFileSummary(source: source)
            let limit = endOffsets.map { $0[source.path] ?? 0 }
            var endOffset: Int64 = 0
            while !stop(), let entry = reader.next() {
                // `offset` is now the end of the block this entry came from.
                if let limit, reader.offset > limit { break }
                switch entry {
                case .spans(let batch):
                    summary.spanCount += batch.count
                    onBatch(batch)
                case .header(let header):
                    summary.add(header)
                    onHeader(header)
                case .droppedSpans(let dropped): summary.droppedSpanCount += dropped.count
                case .damage(let damage): summary.damages.append(damage)
                }
                endOffset = reader.offset
                onProgress(reader.offset)
            }
            summary.finish(endOffset: endOffset, sawEndOfFileMarker: reader.sawEndOfFileMarker)
            try summary.checkIsALog()
            return summary
        }
    }

    /// The file header `path` starts with, `nil` when its first block holds none or it cannot be read; reads one
    /// block only. Only for a regular file: a stream's first block would be gone for the read that follows.
    static func firstHeader(_ path: String) -> LogFileHeader? {
        guard let reader = try? LogReader(path: path, readAhead: false) else { return nil }
        if case .header(let header) = reader.next() { return header }
        return nil
    }
}
