// LogEntry: one thing a reader finds in a trace log: a file header, a span, a drop notice, or damage.

import TraceKit

/// One item read from a trace log, in file order.
///
/// ```swift
/// for entry in try LogReader(path: "app.tklog") {
///     if case .span(let span) = entry { print(span.name) }
/// }
/// ```
public enum LogEntry: Hashable, Sendable {
    /// A file header: a writer started writing here, with this resource.
    case header(LogFileHeader)
    /// A span.
    case span(SpanRecord)
    /// The writer lost spans here (buffer full, write failure, too large).
    case droppedSpans(DroppedSpans)
    /// A damaged region the reader skipped.
    case damage(LogDamage)
}

/// The file header record: format version and the resource that produced the spans that follow.
public struct LogFileHeader: Hashable, Sendable {
    /// The format version the writer used.
    public var formatVersion: UInt64
    /// Who wrote the spans that follow.
    public var resource: Resource
    /// When the writer opened the file, Unix nanoseconds.
    public var openedUnixNanoseconds: UInt64
    /// The writer's rotation sequence number for this file (0 for the first file).
    public var fileSequence: UInt64

    /// Creates a file header.
    public init(formatVersion: UInt64, resource: Resource, openedUnixNanoseconds: UInt64, fileSequence: UInt64) {
        self.formatVersion = formatVersion
        self.resource = resource
        self.openedUnixNanoseconds = openedUnixNanoseconds
        self.fileSequence = fileSequence
    }

    /// The newest format version this library knows how to read (and the one it writes).
    ///
    /// ```swift
    /// let known = LogFileHeader.newestKnownFormatVersion   // 2
    /// ```
    public static let newestKnownFormatVersion: UInt64 = LogFormat.formatVersion

    /// Whether the writer used a newer format version than this library knows. The spans that follow are read as
    /// far as this version knows the format: records, columns and trailing fields a newer writer added are skipped
    /// (Docs/LogFormat.md section 2.3), so a reader should say that it may miss something, and read on.
    ///
    /// ```swift
    /// if case .header(let header) = entry, header.isNewerThanReader { print("upgrade to read all of it") }
    /// ```
    public var isNewerThanReader: Bool { formatVersion > Self.newestKnownFormatVersion }
}

/// A notice that the writer lost spans, so replay knows the log is incomplete.
public struct DroppedSpans: Hashable, Sendable {
    /// Why the spans were lost.
    public enum Reason: Hashable, Sendable {
        /// The hand-over buffer was full (drop-newest policy).
        case bufferFull
        /// Writing their block failed (disk full, file too large, I/O error).
        case writeFailed
        /// A single span was larger than a block.
        case tooLarge
        /// A reason code this reader does not know.
        case other(UInt8)

        var code: UInt8 {
            switch self {
            case .bufferFull: return 0
            case .writeFailed: return 1
            case .tooLarge: return 2
            case .other(let code): return code
            }
        }

        init(code: UInt8) {
            switch code {
            case 0: self = .bufferFull
            case 1: self = .writeFailed
            case 2: self = .tooLarge
            default: self = .other(code)
            }
        }
    }

    /// Why.
    public var reason: Reason
    /// How many spans, since the previous notice with the same reason.
    public var count: UInt64
    /// When the notice was written, Unix nanoseconds.
    public var recordedUnixNanoseconds: UInt64

    /// Creates a drop notice.
    public init(reason: Reason, count: UInt64, recordedUnixNanoseconds: UInt64) {
        self.reason = reason
        self.count = count
        self.recordedUnixNanoseconds = recordedUnixNanoseconds
    }
}

/// A region of a log file the reader could not use, and why.
public struct LogDamage: Hashable, Sendable, CustomStringConvertible {
    /// The file, as the reader was given it.
    public var path: String
    /// Byte offset where the damage starts.
    public var offset: Int64
    /// How many bytes were skipped (for damage inside a block: the block's size).
    public var length: Int64
    /// What was wrong, for example "CRC mismatch" or "truncated block".
    public var reason: String
    /// What kind of damage it is: whether the region starts with a block header, and what failed.
    public var kind: Kind

    /// What kind of damage a region is.
    ///
    /// ```swift
    /// let torn = reader.damages.contains { $0.kind == .truncatedBlock }
    /// ```
    public enum Kind: Hashable, Sendable {
        /// A block whose BGZF header is valid but that the file ends inside of (a torn write, a crash, a
        /// truncation), or whose BSIZE points past the end.
        case truncatedBlock
        /// A block whose BGZF header is valid but whose CRC, deflate data or sizes are not.
        case corruptBlock
        /// Bytes that are no BGZF block: garbage, or a block whose header is damaged.
        case notABlock
        /// A valid block whose payload is not well-formed TraceKit records.
        case malformedPayload
    }

    /// Creates a damage report.
    ///
    /// ```swift
    /// let damage = LogDamage(path: "app.tklog", offset: 40960, length: 512, reason: "CRC mismatch", kind: .corruptBlock)
    /// ```
    public init(path: String, offset: Int64, length: Int64, reason: String, kind: Kind = .notABlock) {
        self.path = path
        self.offset = offset
        self.length = length
        self.reason = reason
        self.kind = kind
    }

    /// The same damage as an error value.
    public var error: TraceLogError { .corruptBlock(offset: offset, reason: reason) }

    /// `path: N bytes at offset O: reason`.
    public var description: String { "\(path): \(length) bytes at offset \(offset): \(reason)" }
}
