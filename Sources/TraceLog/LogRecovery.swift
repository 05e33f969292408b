// LogRecovery: what opening an existing log for append found and cut off.

/// The outcome of opening an existing log for append: complete blocks are kept, a torn tail is cut off.
///
/// ```swift
/// let writer = try LogWriter(path: "app.tklog", resource: Resource(serviceName: "app"))
/// if writer.recovery.discardedBytes > 0 { print("cut a torn tail of \(writer.recovery.discardedBytes) bytes") }
/// ```
public struct LogRecovery: Hashable, Sendable {
    /// The file's size when it was opened.
    public var existingBytes: Int64
    /// Where writing resumed: the end of the last complete block (an end-of-file marker there is removed).
    public var resumeOffset: Int64
    /// Bytes after the last complete block that were cut off (a block torn by a crash, or garbage).
    public var discardedBytes: Int64
    /// Damaged regions before the last good block; they stay in the file and readers skip them.
    public var damagedRegions: [LogDamage]

    /// Creates a recovery report.
    public init(existingBytes: Int64, resumeOffset: Int64, discardedBytes: Int64, damagedRegions: [LogDamage]) {
        self.existingBytes = existingBytes
        self.resumeOffset = resumeOffset
        self.discardedBytes = discardedBytes
        self.damagedRegions = damagedRegions
    }

    /// Finds where to resume appending to `file`: after the last good block, before a trailing EOF marker.
    ///
    /// - Throws: `TraceLogError.notATraceLog` for a non-empty file that holds no block and does not start like one.
    static func scan(_ file: FileHandle) throws(TraceLogError) -> LogRecovery {
        let size = file.size ?? 0
        let scanner = try BlockScanner(file: file)
        var resume: Int64 = 0
        var damage: [LogDamage] = []
        var emptyBlockAtResume: Int64 = 0
        scanning: while true {
            switch scanner.next() {
            case .block(let offset, let blockSize, let payloadLength):
                // A trailing EOF marker (empty block) is removed so appended blocks do not follow it.
                resume = payloadLength == 0 ? offset : offset + Int64(blockSize)
                emptyBlockAtResume = payloadLength == 0 ? Int64(blockSize) : 0
            case .damage(let offset, let length, let reason, let kind):
                damage.append(LogDamage(path: file.path, offset: offset, length: length, reason: reason, kind: kind))
            case .end:
                break scanning
            }
        }
        let tail = max(0, size - resume - emptyBlockAtResume)
        let sawBlock = resume > 0 || emptyBlockAtResume > 0
        // A crash tears at most the one block being written. More than a block's worth of bytes after the last
        // good block is not a torn write: keep it (readers skip it) and append after it. A non-empty file
        // without a single good block that does not even start like a block is not a trace log: leave it alone.
        if !sawBlock && size > 0 && !(startsWithBlockMagic(file) && size <= Int64(LogFormat.maxBlockBytes)) {
            throw TraceLogError.notATraceLog(path: file.path)
        }
        if tail > Int64(LogFormat.maxBlockBytes) {
            return LogRecovery(existingBytes: size, resumeOffset: size, discardedBytes: 0, damagedRegions: damage)
        }
        let kept = damage.filter { $0.offset < resume }
        return LogRecovery(existingBytes: size, resumeOffset: resume, discardedBytes: tail, damagedRegions: kept)
    }

    private static func startsWithBlockMagic(_ file: FileHandle) -> Bool {
        var bytes = [UInt8](repeating: 0, count: 4)
        return file.read(into: &bytes, at: 0, count: 4, offset: 0) == 4 && bytes == [0x1F, 0x8B, 0x08, 0x04]
    }
}
