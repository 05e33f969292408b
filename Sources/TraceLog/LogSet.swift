// LogSet: the trace log files behind a list of paths (files, directories of them, streams), found before any is read.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The trace logs behind a list of paths, and their replay: in file order or merged by start time, a block or a
/// span at a time, past damage, or followed as their writers append (across rotation) until told to stop.
///
/// Creating a set looks at every path without reading a log: a directory stands for its `.tklog` files, sorted by
/// name, so a rotation set (`app.000001.tklog`, `app.000002.tklog`, ..., `app.tklog`) comes oldest first. What
/// cannot be read is in ``problems``; what reading finds (spans, headers, drop notices, damage) is handed to the
/// caller entry by entry, and summed up per file in the ``Report`` a replay returns. A file that cannot be opened,
/// or holds nothing of a TraceKit log, is skipped (it is in the report's `skipped`), and the others are read.
///
/// ```swift
/// let logs = LogSet(paths: ["/var/log/agent", "extra.tklog"])
/// for problem in logs.problems { print("skipped", problem) }
/// let analyzer = try SpanAnalyzer(registry: registry)
/// let report = logs.readBatches(attributes: analyzer.attributeKeys) { entry, _ in
///     if case .spans(let batch) = entry { analyzer.consume(batch) }
/// }
/// for file in report.files where !file.damages.isEmpty { print(file.path, "lost", file.damages.count, "regions") }
/// for problem in report.skipped { print("skipped", problem) }
/// ```
///
/// Follow logs that are still being written with ``follow(preparingFor:pollInterval:until:onCaughtUp:onEntry:)``.
public struct LogSet: Sendable {
    /// The files to read, in the order of the paths (a directory's files sorted by name).
    public var files: [File]
    /// The paths that cannot be read or hold no log (missing, unreadable, an empty file, a directory without
    /// `.tklog` files), in the order of the paths.
    public var problems: [Problem]

    /// Looks at every path (following symbolic links) without reading a log: a directory stands for its `.tklog`
    /// files (rotated ones included); a missing or unreadable path (`ENOENT`, `ELOOP`, `EACCES`...), a directory
    /// without `.tklog` files and an empty regular file are problems. Anything that is neither a regular file nor
    /// a directory (a pipe, a FIFO, `/dev/stdin`, a character device) is a stream, read once from its start.
    ///
    /// ```swift
    /// let logs = LogSet(paths: CommandLine.arguments.dropFirst().map { $0 })
    /// ```
    public init(paths: [String]) {
        files = []
        problems = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                problems.append(.cannotRead(path: path, error: .cannotOpen(path: path, errno: errno)))
                continue
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                add(path, info)
                continue
            }
            let found: [String]
            do {
                found = try LogRotation.listLogFiles(inDirectory: path)
            } catch {
                problems.append(.cannotRead(path: path, error: error))
                continue
            }
            if found.isEmpty {
                problems.append(.notATraceLog(path: path, reason: "the directory holds no .tklog files"))
            }
            for file in found {
                var fileInfo = stat()
                if stat(file, &fileInfo) == 0 {
                    add(file, fileInfo)
                } else {
                    problems.append(.cannotRead(path: file, error: .cannotOpen(path: file, errno: errno)))
                }
            }
        }
    }

    /// The given files, for example those an earlier replay read (`report.files.map(\.file)`).
    ///
    /// ```swift
    /// let logs = LogSet(files: ["app.tklog"].map(LogSet.File.init(path:)))
    /// ```
    public init(files: [File], problems: [Problem] = []) {
        self.files = files
        self.problems = problems
    }

    private mutating func add(_ path: String, _ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            if info.st_size == 0 {
                problems.append(.notATraceLog(path: path, reason: "the file is empty"))
            } else {
                files.append(File(path: path, sizeBytes: Int64(info.st_size)))
            }
        case S_IFDIR:
            problems.append(.cannotRead(path: path, error: .cannotOpen(path: path, errno: EISDIR)))
        default:
            files.append(File(streamAt: path))
        }
    }

    /// The sum of the files' sizes, `nil` when one is unknown (a stream): what a progress bar counts up to.
    public var totalBytes: Int64? {
        var total: Int64 = 0
        for file in files {
            guard let size = file.sizeBytes else { return nil }
            total += size
        }
        return total
    }
}

extension LogSet {
    /// One log file of a set: a regular file, or a stream (pipe, FIFO, `/dev/stdin`) that can be read once.
    public struct File: Sendable {
        /// The path as given, or as found in a directory: what messages name.
        public let path: String
        /// What to open: `path`, or a copy of it (see ``init(path:copyAt:sizeBytes:keepingAlive:)``).
        public let openPath: String
        /// The size when the file was looked at; `nil` when unknown: a stream (its size is known only once it has
        /// been read) or a file named without being looked at.
        public let sizeBytes: Int64?
        /// Whether the file is read once, from its start, in order.
        public let isStream: Bool
        /// Keeps a copy at `openPath` alive while the file is in use.
        private let copy: (any AnyObject & Sendable)?

        /// A regular file of `sizeBytes` bytes.
        public init(path: String, sizeBytes: Int64) {
            self.init(path: path, openPath: path, sizeBytes: sizeBytes, isStream: false, copy: nil)
        }

        /// A file named without being looked at (its size unknown); a follower of a log that may still be empty
        /// starts this way.
        public init(path: String) {
            self.init(path: path, openPath: path, sizeBytes: nil, isStream: false, copy: nil)
        }

        /// A stream, read once from its start; its size is known only once it has been read.
        init(streamAt path: String) {
            self.init(path: path, openPath: path, sizeBytes: nil, isStream: true, copy: nil)
        }

        /// The file `path` (a stream, say), read from a copy of it at `openPath`, which `owner` keeps (for example
        /// a temporary file that is deleted when `owner` goes): the set holds `owner` while it holds the file.
        ///
        /// ```swift
        /// let copied = LogSet.File(path: "/dev/stdin", copyAt: spool.path, sizeBytes: spool.size, keepingAlive: spool)
        /// ```
        public init(
            path: String, copyAt openPath: String, sizeBytes: Int64, keepingAlive owner: any AnyObject & Sendable
        ) {
            self.init(path: path, openPath: openPath, sizeBytes: sizeBytes, isStream: false, copy: owner)
        }

        private init(
            path: String, openPath: String, sizeBytes: Int64?, isStream: Bool, copy: (any AnyObject & Sendable)?
        ) {
            self.path = path
            self.openPath = openPath
            self.sizeBytes = sizeBytes
            self.isStream = isStream
            self.copy = copy
        }
    }

    /// Why a path of a set was left out: it cannot be read, or it is no TraceKit log.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// `path` cannot be looked at, listed or opened; `error` says why (`TraceLogError.cannotOpen` with the errno:
        /// `ENOENT`, `EACCES`, `EISDIR` for a directory inside a directory...).
        case cannotRead(path: String, error: TraceLogError)
        /// `path` can be read but holds nothing of a TraceKit log; `reason` says what was found ("the file is
        /// empty", "no file header and no spans", "no readable block (at offset 0: ...)").
        case notATraceLog(path: String, reason: String)

        /// The path the problem is about.
        public var path: String {
            switch self {
            case .cannotRead(let path, _), .notATraceLog(let path, _): return path
            }
        }

        /// `PATH: cannot read: REASON` or `PATH: not a TraceKit log: REASON`.
        public var description: String {
            switch self {
            case .cannotRead(let path, .cannotOpen(_, let code)):
                return "\(path): cannot read: \(TraceLogError.text(code))"
            case .cannotRead(let path, let error): return "\(path): cannot read: \(error)"
            case .notATraceLog(let path, let reason): return "\(path): not a TraceKit log: \(reason)"
            }
        }
    }
}
