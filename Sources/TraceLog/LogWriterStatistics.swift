// LogWriterStatistics: the counters a LogWriter exposes (written, dropped, lost) and their live storage.

import Synchronization
import TraceSync

/// A snapshot of what a `LogWriter` has done.
///
/// ```swift
/// let stats = writer.statistics
/// print("written \(stats.spansWritten), dropped \(stats.spansDropped), lost \(stats.spansLost)")
/// ```
public struct LogWriterStatistics: Hashable, Sendable {
    /// Spans in blocks that were written successfully.
    public var spansWritten: UInt64
    /// Spans dropped because the hand-over buffer was full (or the writer was closed).
    public var spansDropped: UInt64
    /// Spans lost because writing their block failed.
    public var spansLost: UInt64
    /// Spans dropped because a single span was larger than a block.
    public var spansTooLarge: UInt64
    /// Blocks written successfully (end-of-file markers not counted).
    public var blocksWritten: UInt64
    /// Bytes written successfully, over all files.
    public var bytesWritten: UInt64
    /// Failed block writes.
    public var writeErrors: UInt64
    /// Files rotated.
    public var rotations: UInt64
    /// Rotated files deleted because `Rotation.maxRotatedFiles` was reached.
    public var rotatedFilesDeleted: UInt64 = 0
}

/// The live counters behind `LogWriterStatistics`, shared by `consume` callers and the writer thread.
final class LogWriterCounters: Sendable {
    let spansWritten = Atomic<UInt64>(0)
    let spansDropped = Atomic<UInt64>(0)
    let spansLost = Atomic<UInt64>(0)
    let spansTooLarge = Atomic<UInt64>(0)
    let blocksWritten = Atomic<UInt64>(0)
    let bytesWritten = Atomic<UInt64>(0)
    let writeErrors = Atomic<UInt64>(0)
    let rotations = Atomic<UInt64>(0)
    let rotatedFilesDeleted = Atomic<UInt64>(0)
    let lastError = Locked<TraceLogError?>(nil)

    var snapshot: LogWriterStatistics {
        LogWriterStatistics(
            spansWritten: spansWritten.load(ordering: .relaxed),
            spansDropped: spansDropped.load(ordering: .relaxed),
            spansLost: spansLost.load(ordering: .relaxed),
            spansTooLarge: spansTooLarge.load(ordering: .relaxed),
            blocksWritten: blocksWritten.load(ordering: .relaxed),
            bytesWritten: bytesWritten.load(ordering: .relaxed),
            writeErrors: writeErrors.load(ordering: .relaxed),
            rotations: rotations.load(ordering: .relaxed),
            rotatedFilesDeleted: rotatedFilesDeleted.load(ordering: .relaxed))
    }
}
