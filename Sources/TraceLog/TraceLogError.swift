// TraceLogError: what can go wrong opening, writing or reading a trace log, and what to do about it.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An error from the trace log; the description says what happened and what to do.
///
/// ```swift
/// do { _ = try LogReader(path: "/tmp/missing.tklog") } catch { print(error) }   // cannotOpen(...)
/// ```
public enum TraceLogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file could not be opened or created.
    case cannotOpen(path: String, errno: Int32)
    /// Writing a block failed (for example `ENOSPC` or `EFBIG`); the block's spans were lost and counted.
    case writeFailed(path: String, offset: Int64, errno: Int32)
    /// `fsync` failed; data written since the last successful sync may not be durable.
    case syncFailed(path: String, errno: Int32)
    /// A rotation step (rename or re-create) failed; the writer keeps writing to the current file.
    case rotationFailed(path: String, errno: Int32)
    /// A block could not be read: damaged, torn, or not a block at all. Readers skip it and carry on.
    case corruptBlock(offset: Int64, reason: String)
    /// zlib refused to set up or compress; the process is likely out of memory.
    case compressionFailed(reason: String)
    /// One span encodes to more than a block can hold; it was dropped and counted. Lower the span limits.
    case spanTooLarge(bytes: Int)
    /// The file exists, is not empty and holds no trace log block; the writer refused to touch it.
    case notATraceLog(path: String)
    /// The writer was shut down; create a new one to write again.
    case writerClosed(path: String)

    /// What happened and what to do.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            return
                "cannot open trace log '\(path)': \(Self.text(code)); check that the directory exists and is writable"
        case .writeFailed(let path, let offset, let code):
            return "writing trace log '\(path)' at offset \(offset) failed: \(Self.text(code)); "
                + "free disk space or raise the file-size limit; the spans of that block were counted as lost"
        case .syncFailed(let path, let code):
            return "fsync of trace log '\(path)' failed: \(Self.text(code)); recent blocks may not be durable"
        case .rotationFailed(let path, let code):
            return "rotating trace log '\(path)' failed: \(Self.text(code)); still writing to the current file"
        case .corruptBlock(let offset, let reason):
            return "corrupt block at offset \(offset): \(reason); the reader skipped to the next good block"
        case .compressionFailed(let reason):
            return "zlib failed: \(reason)"
        case .spanTooLarge(let bytes):
            return "a span encodes to \(bytes) bytes, more than one block holds; it was dropped. "
                + "Lower SpanLimits.maxAttributeCount or maxAttributeValueLength"
        case .notATraceLog(let path):
            return "'\(path)' is not a trace log (no BGZF block in it); it was left unchanged - choose another path"
        case .writerClosed(let path):
            return "the writer for '\(path)' is shut down; create a new LogWriter"
        }
    }

    static func text(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message) + " (errno \(code))"
    }
}
