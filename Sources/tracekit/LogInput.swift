// LogInput: the reading commands' replays of their logs (a LogSet), with a progress bar and what they owe the user.

import TraceAnalysis
import TraceKit
import TraceLog

/// Reads the logs behind a command's paths one after another, in file order, skipping those that cannot be read,
/// with a progress bar over all of them on a terminal; a `LogSet` replay does the reading.
enum LogInput {
    /// Reads every log of `inputs` in turn, handing each span to `onSpan` in file order (the order spans finished
    /// in). With `preparer`, each span has been passed to its `prepare(_:)` on the reader's decoding threads before
    /// `onSpan` gets it.
    static func read(
        _ inputs: LogSources, progress mode: ProgressMode, label: String = "",
        preparingFor preparer: (any SplitSpanSink)? = nil, onSpan: (SpanRecord) -> Void
    ) -> LogRun {
        let progress = ProgressBar(total: inputs.logs.totalBytes, mode: mode, label: label)
        defer { progress.finish() }
        let report = inputs.logs.readSpans(preparingFor: preparer, onProgress: progress.update(done:)) { entry, _ in
            if case .span(let span) = entry { onSpan(span) }
        }
        return LogRun(inputs, report)
    }

    /// Reads every log behind `paths` as `read(_:progress:preparingFor:onSpan:)` does, for a command that needs every
    /// one of them (`diff`: a comparison that silently left a file out would mislead).
    ///
    /// - Throws: the error of the first input that cannot be read or is not a TraceKit log.
    static func read(
        _ paths: [String], progress mode: ProgressMode, onSpan: (SpanRecord) -> Void
    ) throws(CLIError) -> [LogSet.FileReport] {
        let run = read(LogSources(paths), progress: mode, onSpan: onSpan)
        if let first = run.skipped.first { throw first }
        return run.files
    }

    /// All spans of `inputs`, in file order, and what reading found.
    static func spans(_ inputs: LogSources, progress: ProgressMode) -> (spans: [SpanRecord], run: LogRun) {
        var spans: [SpanRecord] = []
        let run = read(inputs, progress: progress) { spans.append($0) }
        return (spans, run)
    }

    /// The spans of `traceIDs` in the logs of `inputs`, in file order, a block at a time; with `earlier` (see
    /// `readBatches`), each file only as far as an earlier pass read it.
    static func spans(
        of traceIDs: Set<TraceID>, in inputs: LogSources, progress: ProgressMode, label: String = "",
        asFarAs earlier: LogSet.Report? = nil
    ) -> (spans: [SpanRecord], run: LogRun) {
        var spans: [SpanRecord] = []
        let run = readBatches(inputs, progress: progress, label: label, asFarAs: earlier) { batch in
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
        var earlier = LogSet.Report()
        earlier.files = firstPass.files
        let (spans, secondPass) = spans(
            of: Set(chosen), in: LogSources(files: firstPass.files.map(\.file)), progress: progress,
            label: "pass 2/2 ", asFarAs: earlier)
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

    /// Reads every log of `inputs` in turn a block at a time (`LogSet.readBatches`), handing each block's spans to
    /// `onBatch` and each file header to `onHeader` in file order, with a progress bar on a terminal: no
    /// `SpanRecord` per span. With `attributes`, only those attribute values are decoded; with `preparer`, each
    /// batch is prepared on the decoding threads first. With `earlier` (the report of an earlier pass), a file is
    /// read only as far as then. Reading stops early once `stop` returns true.
    static func readBatches(
        _ inputs: LogSources, progress mode: ProgressMode, label: String = "", attributes: Set<String>? = nil,
        preparingFor preparer: (any SplitSpanSink)? = nil, asFarAs earlier: LogSet.Report? = nil,
        until stop: () -> Bool = { false }, onHeader: (LogFileHeader) -> Void = { _ in },
        onBatch: (SpanBatch) -> Void
    ) -> LogRun {
        let progress = ProgressBar(total: inputs.logs.totalBytes, mode: mode, label: label)
        defer { progress.finish() }
        let report = inputs.logs.readBatches(
            attributes: attributes, preparingFor: preparer, asFarAs: earlier, until: stop,
            onProgress: progress.update(done:)
        ) { entry, _ in
            switch entry {
            case .spans(let batch): onBatch(batch)
            case .header(let header): onHeader(header)
            case .droppedSpans, .damage: break
            }
        }
        return LogRun(inputs, report)
    }

    /// The file header `path` starts with, `nil` when its first block holds none or it cannot be read; reads one
    /// block only. Only for a regular file: a stream's first block would be gone for the read that follows.
    static func firstHeader(_ path: String) -> LogFileHeader? {
        guard let reader = try? LogReader(path: path, readAhead: false) else { return nil }
        if case .header(let header) = reader.next() { return header }
        return nil
    }
}
