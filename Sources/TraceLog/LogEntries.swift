// LogEntries: an AsyncSequence over a trace log, optionally following a log that is still being written.

import TraceKit

/// The entries of a trace log as an `AsyncSequence`; in follow mode it waits for new blocks until cancelled.
///
/// ```swift
/// for try await span in LogEntries(path: "/var/log/agent/kernel.tklog", follow: true).spans {
///     print(span.name)   // runs as the writer seals blocks; cancel the task to stop
/// }
/// ```
///
/// Reads are small `pread`s of local files done on the calling task; waiting in follow mode is `Task.sleep`,
/// so no thread is held while the log is idle.
public struct LogEntries: AsyncSequence, Sendable {
    public typealias Element = LogEntry

    /// The files: one path (follow mode follows it across rotation), or several merged by start time.
    public let paths: [String]
    /// Whether to wait for more at the end of a single file instead of finishing.
    public let follow: Bool
    /// How often to look for new data in follow mode.
    public let pollInterval: Duration

    /// Spans are passed to this sink's `prepare(_:)` before they are returned; see `LogReader`.
    public let preparer: (any SplitSpanSink)?

    /// Entries of the log at `path`; with `preparingFor`, as `LogReader(path:follow:readAhead:preparingFor:)`.
    public init(
        path: String, follow: Bool = false, pollInterval: Duration = .milliseconds(200),
        preparingFor preparer: (any SplitSpanSink)? = nil
    ) {
        self.paths = [path]
        self.follow = follow
        self.pollInterval = pollInterval
        self.preparer = preparer
    }

    /// Entries of several files (or `LogRotation.files(for:)`), spans merged by start time. No follow mode.
    public init(paths: [String]) {
        self.paths = paths
        self.follow = false
        self.pollInterval = .milliseconds(200)
        self.preparer = nil
    }

    /// An iterator that opens the file(s) on its first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(paths: paths, follow: follow, pollInterval: pollInterval, preparer: preparer)
    }

    /// Only the spans.
    public var spans: AsyncCompactMapSequence<LogEntries, SpanRecord> {
        compactMap { entry in
            if case .span(let span) = entry { return span }
            return nil
        }
    }

    /// Reads entries on demand; in follow mode it sleeps `pollInterval` between looks at the file.
    public struct Iterator: AsyncIteratorProtocol {
        private let paths: [String]
        private let follow: Bool
        private let pollInterval: Duration
        private let preparer: (any SplitSpanSink)?
        private var source: (any IteratorProtocol<LogEntry>)?

        init(paths: [String], follow: Bool, pollInterval: Duration, preparer: (any SplitSpanSink)?) {
            self.paths = paths
            self.follow = follow
            self.pollInterval = pollInterval
            self.preparer = preparer
        }

        /// The next entry; `nil` at the end, or when the task is cancelled in follow mode.
        ///
        /// - Throws: `TraceLogError.cannotOpen` when a file cannot be opened.
        public mutating func next() async throws -> LogEntry? {
            if source == nil {
                if paths.count == 1 {
                    source = try LogReader(path: paths[0], follow: follow, preparingFor: preparer)
                } else {
                    source = try MergedLogReader(paths: paths)
                }
            }
            while true {
                if let entry = source?.next() { return entry }
                guard follow, !Task.isCancelled else { return nil }
                do {
                    try await Task.sleep(for: pollInterval)
                } catch {
                    return nil
                }
            }
        }
    }
}
