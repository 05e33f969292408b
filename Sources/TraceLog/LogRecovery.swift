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

    public init(existingBytes: Int64, resumeOffset: Int64, discardedBytes: Int64, damagedRegions: [LogDamage]) {
        self.existingBytes = existingBytes
        self.resumeOffset = resumeOffset
        self.discardedBytes = discardedBytes
        self.damagedRegions = damagedRegions
    }

    /// Finds where to resume appending to `file`: after the last good block, before a trailing EOF marker.
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
            case .damage(let offset, let length, let reason):
                damage.append(LogDamage(path: file.path, offset: offset, length: length, reason: reason))
            case .end:
                break scanning
            }
        }
        let kept = damage.filter { $0.offset < resume }
        let discarded = max(0, size - resume - emptyBlockAtResume)
        return LogRecovery(existingBytes: size, resumeOffset: resume, discardedBytes: discarded, damagedRegions: kept)
    }
}
