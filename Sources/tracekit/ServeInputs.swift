// ServeInputs: checks the logs `tracekit serve` is given before it listens, and finds when they began.

import TraceKit
import TraceLog

/// The log files `tracekit serve` reads, each checked to be a TraceKit log before the server listens.
struct ServeInputs {
    /// The files (a directory stands for its `.tklog` files).
    var files: [String]
    /// Unix seconds when the earliest log began: the time its writer opened it (first file header), else its first
    /// span's start. Serve stamps every series' OpenMetrics `_created` with it, so a restart over the same logs
    /// does not move `_created` (Prometheus would take that for a counter reset).
    var beganUnixSeconds: Double

    /// Checks every path: it exists, is (or holds) regular files that are not empty, and each file yields a file
    /// header or a span before its end. A file with damaged blocks is accepted; the replay warns about them.
    ///
    /// - Throws: `CLIError.cannotRead` (missing, unreadable) or `.notATraceLog` (a device, FIFO, empty file,
    ///   empty directory, or a file with no readable block), naming the path.
    static func check(_ paths: [String]) throws(CLIError) -> ServeInputs {
        let found = LogSources(paths)
        if let problem = found.problems.first { throw problem }
        var began: UInt64 = .max
        for file in found.files {
            // Serve reads files with positioned reads and follows them as they grow: devices, FIFOs and sockets
            // are not logs (`/dev/zero` would be searched for a first block forever).
            guard !file.isStream else {
                throw .notATraceLog(path: file.path, reason: "not a regular file (a device, FIFO or socket)")
            }
            began = min(began, try firstTime(file))
        }
        return ServeInputs(files: found.files.map(\.path), beganUnixSeconds: Double(began) / 1e9)
    }

    /// The Unix nanoseconds of the file's first header (when its writer opened it) or, if a span comes first, of
    /// that span's start; reads up to the first of them, past damaged regions.
    private static func firstTime(_ file: LogSet.File) throws(CLIError) -> UInt64 {
        var first: UInt64?
        let report = LogSet(files: [file]).readSpans(until: { first != nil }) { entry, _ in
            switch entry {
            case .header(let header): first = header.openedUnixNanoseconds
            case .span(let span): first = span.startUnixNanoseconds
            case .damage, .droppedSpans: break
            }
        }
        if let first { return first }
        if let problem = report.skipped.first { throw CLIError(problem) }
        throw .notATraceLog(path: file.path, reason: "no file header and no spans")
    }
}
