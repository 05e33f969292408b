// MergedLogReader: reads many log files (or a directory) as one stream of spans in start-time order.

import TraceKit

/// Reads several trace log files at once and returns their spans merged by start time.
///
/// File headers, drop notices and damage come out as they are read. Spans sit in files in the order they
/// finished, not started, so the merge sorts through a bounded reorder window (a min-heap of
/// `reorderWindow` spans, filled from the file that is furthest behind): the order is exact whenever no span
/// starts before a span read `reorderWindow` spans earlier - always when the files hold fewer spans in total.
/// Memory stays bounded by the window.
///
/// ```swift
/// let reader = try MergedLogReader(directory: "/var/log/agent")
/// for span in reader.spans() { print(span.startUnixNanoseconds, span.name) }
/// ```
public final class MergedLogReader: Sequence, IteratorProtocol {
    private var readers: [LogReader]
    private var exhausted: [Bool]
    /// The end time of the last span read from each file: everything still unread there ends about then or later.
    private var frontier: [UInt64]
    private var heap = SpanHeap()
    private var passthrough: [(entry: LogEntry, file: Int)] = []
    private var passthroughIndex = 0
    private var sequence: UInt64 = 0
    private let reorderWindow: Int

    /// Opens every file in `paths`.
    ///
    /// - Throws: `TraceLogError.cannotOpen` for the first file that cannot be opened.
    public convenience init(paths: [String], reorderWindow: Int = 65_536) throws(TraceLogError) {
        var readers: [LogReader] = []
        let readAhead = Self.readsAhead(fileCount: paths.count)
        for path in paths { readers.append(try LogReader(path: path, readAhead: readAhead)) }
        self.init(readers: readers, reorderWindow: reorderWindow)
    }

    /// Merges readers opened by the caller, for example to skip the files that cannot be opened; `nextEntry()`
    /// says which of them each entry came from.
    ///
    /// ```swift
    /// let readAhead = MergedLogReader.readsAhead(fileCount: paths.count)
    /// let merged = MergedLogReader(readers: paths.compactMap { try? LogReader(path: $0, readAhead: readAhead) })
    /// ```
    public init(readers: [LogReader], reorderWindow: Int = 65_536) {
        self.readers = readers
        self.exhausted = Array(repeating: false, count: readers.count)
        self.frontier = Array(repeating: 0, count: readers.count)
        self.reorderWindow = Swift.max(1, reorderWindow)
    }

    /// Whether readers of `fileCount` files merged at once should read ahead: read-ahead costs three threads a
    /// file, worth it for a few files, not for a directory of hundreds.
    ///
    /// ```swift
    /// let reader = try LogReader(path: path, readAhead: MergedLogReader.readsAhead(fileCount: 12))   // false
    /// ```
    public static func readsAhead(fileCount: Int) -> Bool { fileCount <= 4 }

    /// Opens every `.tklog` file in `directory` (rotated files included).
    ///
    /// - Throws: `TraceLogError.cannotOpen` when the directory cannot be listed or a file cannot be opened.
    public convenience init(directory: String, reorderWindow: Int = 65_536) throws(TraceLogError) {
        try self.init(paths: LogRotation.listLogFiles(inDirectory: directory), reorderWindow: reorderWindow)
    }

    /// The damage every file reported so far.
    public var damages: [LogDamage] { readers.flatMap(\.damages) }

    /// The next entry: headers, drop notices and damage as read, spans in start-time order; `nil` at the end.
    public func next() -> LogEntry? {
        nextEntry()?.entry
    }

    /// The next entry as `next()` returns it, with the index (in `paths` or `readers`) of the file it came from.
    ///
    /// ```swift
    /// while let (entry, file) = merged.nextEntry() {
    ///     if case .header = entry { headerCounts[file] += 1 }
    /// }
    /// ```
    public func nextEntry() -> (entry: LogEntry, file: Int)? {
        while true {
            if passthroughIndex < passthrough.count {
                passthroughIndex += 1
                return passthrough[passthroughIndex - 1]
            }
            passthrough.removeAll(keepingCapacity: true)
            passthroughIndex = 0
            if heap.count >= reorderWindow {
                let (span, file) = heap.popMinimum()
                return (.span(span), file)
            }
            guard let index = laggingReader() else {
                guard heap.count > 0 else { return nil }
                let (span, file) = heap.popMinimum()
                return (.span(span), file)
            }
            guard let entry = readers[index].next() else {
                exhausted[index] = true
                continue
            }
            if case .span(let span) = entry {
                frontier[index] = Swift.max(frontier[index], span.endUnixNanoseconds)
                heap.insert(span, sequence: sequence, file: index)
                sequence += 1
            } else {
                passthrough.append((entry, index))
            }
        }
    }

    /// Only the spans, in start-time order.
    public func spans() -> [SpanRecord] {
        var result: [SpanRecord] = []
        while let entry = next() {
            if case .span(let span) = entry { result.append(span) }
        }
        return result
    }

    /// The file with the least progress that still has entries.
    private func laggingReader() -> Int? {
        var best: Int?
        for index in readers.indices where !exhausted[index] {
            if best.map({ frontier[index] < frontier[$0] }) ?? true { best = index }
        }
        return best
    }
}

/// A binary min-heap of spans keyed by start time, then by read order (so equal starts keep file order), each with
/// the index of the file it came from.
struct SpanHeap {
    private var items: [(start: UInt64, sequence: UInt64, span: SpanRecord, file: Int)] = []

    var count: Int { items.count }
    var minimum: SpanRecord? { items.first?.span }

    private func less(_ a: Int, _ b: Int) -> Bool {
        (items[a].start, items[a].sequence) < (items[b].start, items[b].sequence)
    }

    mutating func insert(_ span: SpanRecord, sequence: UInt64, file: Int = 0) {
        items.append((span.startUnixNanoseconds, sequence, span, file))
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(child, parent) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest span and its file; call only when `count > 0`.
    mutating func popMinimum() -> (span: SpanRecord, file: Int) {
        items.swapAt(0, items.count - 1)
        let last = items.removeLast()
        let top = (last.span, last.file)
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, less(left, smallest) { smallest = left }
            if right < items.count, less(right, smallest) { smallest = right }
            guard smallest != parent else { return top }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
