// LogSet+Follow: reads the logs of a set and keeps reading them as their writers append, until told to stop.

import TraceKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension LogSet {
    /// Reads every file and keeps reading as the writers append, until `stop` returns true; blocks the calling
    /// thread (run it on a thread of its own, not on the Swift concurrency pool).
    ///
    /// Each file is followed across rotation: when its path is rotated away, the reader finishes the old file,
    /// then goes on with the files rotated after it and the new live file (`LogReader(path:follow:)`). The files
    /// are taken in turn, up to 65,536 entries at a time, so a busy log does not starve the others; when every
    /// file has been read to its current end, `onCaughtUp` is called (once) and the follower sleeps
    /// `pollInterval` before it looks again. An incomplete block at a file's end is "not yet written", not damage.
    /// Each entry goes to `onEntry` with the index in ``files`` of its file, spans in the order they finished;
    /// with `preparer`, each span has been passed to its `prepare(_:)` first. `stop` is checked before every entry
    /// and during the sleep, so following ends within a block's read, or a fraction of `pollInterval`, of it.
    ///
    /// Unlike a replay, following accepts a file that holds nothing yet (a writer may just have created it). The
    /// set's ``problems`` are left to the caller.
    ///
    /// ```swift
    /// let stopped = Atomic<Bool>(false)   // raised by another thread
    /// let logs = LogSet(files: [LogSet.File(path: "/var/log/app.tklog")])
    /// try logs.follow(until: { stopped.load(ordering: .relaxed) }, onCaughtUp: { print("caught up") }) { entry, _ in
    ///     if case .span(let span) = entry { print(span.name) }
    /// }
    /// ```
    ///
    /// - Returns: What was read of each file until `stop` returned true.
    /// - Throws: ``Problem/cannotRead(path:error:)`` for the first file that cannot be opened, before anything is
    ///   read.
    @discardableResult
    public func follow(
        preparingFor preparer: (any SplitSpanSink)? = nil, pollInterval: Duration = .milliseconds(200),
        until stop: () -> Bool, onCaughtUp: () -> Void = {}, onEntry: (LogEntry, Int) -> Void
    ) throws(Problem) -> Report {
        var readers: [LogReader] = []
        for file in files {
            do throws(TraceLogError) {
                readers.append(try LogReader(path: file.openPath, follow: true, preparingFor: preparer))
            } catch {
                throw .cannotRead(path: file.path, error: error)
            }
        }
        var reports = files.map(FileReport.init(file:))
        let entriesPerTurn = 65_536
        var caughtUp = [Bool](repeating: false, count: readers.count)
        var toldCaughtUp = false
        following: while !stop() {
            var anyBehind = false
            for (index, reader) in readers.enumerated() {
                var taken = 0
                while taken < entriesPerTurn, let entry = reader.next() {
                    if stop() { break following }
                    reports[index].add(entry)
                    onEntry(entry, index)
                    taken += 1
                }
                if taken < entriesPerTurn {
                    caughtUp[index] = true
                } else {
                    anyBehind = true
                }
            }
            if !toldCaughtUp, !caughtUp.contains(false) {
                toldCaughtUp = true
                onCaughtUp()
            }
            if !anyBehind { Self.sleep(pollInterval, until: stop) }
        }
        var report = Report()
        for (reader, var fileReport) in zip(readers, reports) {
            fileReport.finish(endOffset: reader.offset, sawEndOfFileMarker: reader.sawEndOfFileMarker)
            report.files.append(fileReport)
        }
        return report
    }

    /// Sleeps `duration`, in slices of at most 50 ms, returning early once `stop` returns true.
    private static func sleep(_ duration: Duration, until stop: () -> Bool) {
        var left = duration
        let slice = Duration.milliseconds(50)
        while left > .zero, !stop() {
            let step = min(left, slice)
            let (seconds, attoseconds) = step.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
            left -= step
        }
    }
}
