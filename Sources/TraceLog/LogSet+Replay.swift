// LogSet+Replay: reads the logs of a set to their end, file after file or merged by start time.

import TraceKit

extension LogSet {
    /// The order in which ``readSpans(order:preparingFor:until:onProgress:onEntry:)`` hands out spans.
    public enum SpanOrder: Sendable {
        /// File after file, each in the order its spans finished (the order self time needs).
        case fileOrder
        /// All files at once, merged by start time (through `MergedLogReader`'s bounded reorder window); file
        /// headers, drop notices and damage come out as they are read.
        case startTime
    }

    /// Reads every file to its end, handing each entry (span, file header, drop notice, damage) to `onEntry` with
    /// the index in ``files`` of the file it came from. A file that cannot be opened, or holds nothing of a
    /// TraceKit log, is skipped (it is in the report's `skipped`) and the others are read.
    ///
    /// With `preparer`, each span has been passed to its `prepare(_:)` (on the reader's decoding threads when there
    /// are more than two cores) before `onEntry` gets it; pass it on to `consumePrepared(_:)`. `onProgress` gets the
    /// bytes read so far in the whole set, now and then (compare with ``totalBytes``). Reading stops early once
    /// `stop` returns true; the files not reached by then are in neither list of the report.
    ///
    /// ```swift
    /// let report = LogSet(paths: ["app.tklog"]).readSpans(preparingFor: analyzer) { entry, _ in
    ///     if case .span(let span) = entry { analyzer.consumePrepared(span) }
    /// }
    /// ```
    public func readSpans(
        order: SpanOrder = .fileOrder, preparingFor preparer: (any SplitSpanSink)? = nil,
        until stop: () -> Bool = { false }, onProgress: (Int64) -> Void = { _ in },
        onEntry: (LogEntry, Int) -> Void
    ) -> Report {
        if order == .startTime {
            return readMerged(preparingFor: preparer, until: stop, onProgress: onProgress, onEntry: onEntry)
        }
        return eachFile(until: stop) { (index, file, bytesBefore) throws(Problem) in
            let reader: LogReader
            do throws(TraceLogError) {
                reader = try LogReader(path: file.openPath, preparingFor: preparer)
            } catch {
                throw .cannotRead(path: file.path, error: error)
            }
            var report = FileReport(file: file)
            var sinceProgress = 0
            while !stop(), let entry = reader.next() {
                report.add(entry)
                onEntry(entry, index)
                sinceProgress += 1
                if sinceProgress >= 4096 {
                    sinceProgress = 0
                    onProgress(bytesBefore + reader.offset)
                }
            }
            report.finish(endOffset: reader.offset, sawEndOfFileMarker: reader.sawEndOfFileMarker)
            return report
        }
    }

    /// Reads every file to its end a block at a time, handing each entry (one block's spans as a `SpanBatch`, a
    /// file header, a drop notice, damage) to `onEntry` with the index in ``files`` of its file: no `SpanRecord`
    /// per span (see `LogBatchReader`). Files are skipped, progress reported and reading stopped as by
    /// ``readSpans(order:preparingFor:until:onProgress:onEntry:)``.
    ///
    /// With `attributes`, only those attribute values are decoded; with `preparer`, each batch is prepared on the
    /// decoding threads first (`LogBatchReader(path:attributes:preparingFor:)`). With `earlier` (the report of an
    /// earlier replay of the same files), each file is read only as far as that replay read it, so a second pass
    /// sees what the first saw even if a writer appended in between.
    ///
    /// ```swift
    /// let report = logs.readBatches(attributes: analyzer.attributeKeys, preparingFor: analyzer) { entry, _ in
    ///     if case .spans(let batch) = entry { analyzer.consumePrepared(batch) }
    /// }
    /// ```
    public func readBatches(
        attributes: Set<String>? = nil, preparingFor preparer: (any SplitSpanSink)? = nil,
        asFarAs earlier: Report? = nil, until stop: () -> Bool = { false },
        onProgress: (Int64) -> Void = { _ in }, onEntry: (LogBatchEntry, Int) -> Void
    ) -> Report {
        let limits = earlier.map { Dictionary($0.files.map { ($0.path, $0.endOffset) }, uniquingKeysWith: max) }
        return eachFile(until: stop) { (index, file, bytesBefore) throws(Problem) in
            let reader: LogBatchReader
            do throws(TraceLogError) {
                reader = try LogBatchReader(path: file.openPath, attributes: attributes, preparingFor: preparer)
            } catch {
                throw .cannotRead(path: file.path, error: error)
            }
            var report = FileReport(file: file)
            let limit = limits.map { $0[file.path] ?? 0 }
            var endOffset: Int64 = 0
            while !stop(), let entry = reader.next() {
                // `offset` is now the end of the block this entry came from.
                if let limit, reader.offset > limit { break }
                report.add(entry)
                onEntry(entry, index)
                endOffset = reader.offset
                onProgress(bytesBefore + reader.offset)
            }
            report.finish(endOffset: endOffset, sawEndOfFileMarker: reader.sawEndOfFileMarker)
            return report
        }
    }

    /// Reads the files in turn with `readOne`, which gets a file's index, the file, and the bytes of the files
    /// before it (for progress); a file that fails, or holds nothing of a log, is skipped.
    private func eachFile(
        until stop: () -> Bool, readOne: (Int, File, Int64) throws(Problem) -> FileReport
    ) -> Report {
        var report = Report()
        var bytesBefore: Int64 = 0
        for (index, file) in files.enumerated() {
            if stop() { break }
            do throws(Problem) {
                let fileReport = try readOne(index, file, bytesBefore)
                if let problem = fileReport.notALog { throw problem }
                report.files.append(fileReport)
                bytesBefore += file.isStream ? fileReport.sizeBytes : file.sizeBytes ?? 0
            } catch {
                report.skipped.append(error)
                bytesBefore += file.sizeBytes ?? 0
            }
        }
        return report
    }

    /// All files at once through a `MergedLogReader`: spans in start-time order.
    private func readMerged(
        preparingFor preparer: (any SplitSpanSink)?, until stop: () -> Bool, onProgress: (Int64) -> Void,
        onEntry: (LogEntry, Int) -> Void
    ) -> Report {
        var report = Report()
        var readers: [LogReader] = []
        var reports: [FileReport] = []
        var indexes: [Int] = []
        let readAhead = MergedLogReader.readsAhead(fileCount: files.count)
        for (index, file) in files.enumerated() {
            do throws(TraceLogError) {
                readers.append(try LogReader(path: file.openPath, readAhead: readAhead, preparingFor: preparer))
                reports.append(FileReport(file: file))
                indexes.append(index)
            } catch {
                report.skipped.append(.cannotRead(path: file.path, error: error))
            }
        }
        let merged = MergedLogReader(readers: readers)
        var sinceProgress = 0
        while !stop(), let (entry, reader) = merged.nextEntry() {
            reports[reader].add(entry)
            onEntry(entry, indexes[reader])
            sinceProgress += 1
            if sinceProgress >= 4096 {
                sinceProgress = 0
                onProgress(readers.reduce(0) { $0 + $1.offset })
            }
        }
        for (position, var fileReport) in reports.enumerated() {
            let reader = readers[position]
            fileReport.finish(endOffset: reader.offset, sawEndOfFileMarker: reader.sawEndOfFileMarker)
            if let problem = fileReport.notALog {
                report.skipped.append(problem)
            } else {
                report.files.append(fileReport)
            }
        }
        return report
    }
}
