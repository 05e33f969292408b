// BlockScanner: walks the BGZF blocks of a log file, verifying each, and resynchronises after damage.

import Synchronization

/// Finds, verifies and inflates the blocks of one file in order; reports damaged regions with their offsets.
///
/// Memory is bounded: one read window and one 64 KiB payload, whatever the file contains. The file is read
/// forwards only, so a stream (a pipe, a FIFO) reads as well as a regular file.
///
/// Until it has found a first good block, the scanner looks for one only in the first
/// `LogReader.firstBlockSearchBytes` (16 MiB) after where it started: a file or stream without one there is no
/// trace log, and an endless one (`/dev/zero`) would otherwise be searched forever. After a good block, the search
/// for the next one after damage is unbounded, so a log with a large damaged region is still read to its end.
final class BlockScanner {
    /// What the scanner found at the current position.
    enum Step: Hashable {
        /// A good block: its offset and size; its payload is `inflater.payload[0..<payloadLength]`.
        case block(offset: Int64, size: Int, payloadLength: Int)
        /// A damaged region that was skipped.
        case damage(offset: Int64, length: Int64, reason: String, kind: LogDamage.Kind)
        /// No complete block at `offset`: the file ends there, or (when `partial > 0`) ends in a block that is
        /// still incomplete.
        case end(offset: Int64, partial: Int64)
    }

    let file: FileHandle
    let inflater: BlockInflater
    /// Set from another thread (a read-ahead being cancelled) to end a search through a long damaged region (or
    /// an endless run of zeros) at the next window instead of at its end.
    let abandoned = Atomic<Bool>(false)
    /// The offset of the next block to read.
    private(set) var offset: Int64
    /// Where the search for a first good block ends; `nil` once one was found.
    private var firstBlockSearchEnd: Int64?
    /// Whether the scanner gave up looking for a first good block (then it reports the end).
    private var gaveUp = false
    /// A window of the file: `window[0..<windowCount]` holds the bytes from `windowStart`.
    private var window: [UInt8]
    private var windowStart: Int64 = 0
    private var windowCount = 0
    private static let windowCapacity = 4 * LogFormat.maxBlockBytes

    init(file: FileHandle, offset: Int64 = 0) throws(TraceLogError) {
        self.file = file
        self.offset = offset
        self.firstBlockSearchEnd = offset + LogReader.firstBlockSearchBytes
        self.inflater = try BlockInflater()
        self.window = [UInt8](repeating: 0, count: Self.windowCapacity)
        self.windowStart = offset
    }

    /// Makes `[position, position + count)` available in the window as far as the file has it; returns how many
    /// of those bytes are available. The bytes of the window from `position` on are kept rather than read again
    /// (a stream cannot give them twice).
    private func load(_ position: Int64, _ count: Int) -> Int {
        let end = windowStart + Int64(windowCount)
        if position >= windowStart, position + Int64(count) <= end {
            return count
        }
        if position >= windowStart, position <= end {
            let kept = Int(end - position)
            let dropped = Int(position - windowStart)
            if kept > 0, dropped > 0 {
                window.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    base.copyMemory(from: base + dropped, byteCount: kept)
                }
            }
            windowCount = kept
        } else {
            windowCount = 0
        }
        windowStart = position
        windowCount += file.read(
            into: &window, at: windowCount, count: Self.windowCapacity - windowCount,
            offset: windowStart + Int64(windowCount), minimum: count - windowCount)
        return Swift.min(count, windowCount)
    }

    private func withWindow<R>(_ position: Int64, _ count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(position - windowStart)
        return window.withUnsafeBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + count)])) }
    }

    /// The result of trying to read a block at one position.
    private enum Attempt {
        case good(size: Int, payloadLength: Int)
        case incomplete(available: Int64)
        case bad(String, LogDamage.Kind)
    }

    private func attempt(at position: Int64) -> Attempt {
        let headerBytes = load(position, LogFormat.fixedHeaderBytes)
        if headerBytes == 0 { return .incomplete(available: 0) }
        var parse = withWindow(position, headerBytes) { BlockInflater.parseHeader($0) }
        var available = headerBytes
        if parse == .needMoreBytes, headerBytes == LogFormat.fixedHeaderBytes {
            let extraLength = withWindow(position, headerBytes) { Int($0[10]) | Int($0[11]) << 8 }
            available = load(position, LogFormat.fixedHeaderBytes + extraLength)
            parse = withWindow(position, available) { BlockInflater.parseHeader($0) }
        }
        switch parse {
        case .invalid(let reason):
            return .bad("bad gzip header: " + reason, .notABlock)
        case .needMoreBytes:
            return .incomplete(available: Int64(available))
        case .header(let header):
            available = load(position, header.blockSize)
            guard available == header.blockSize else { return .incomplete(available: Int64(available)) }
            let result = withWindow(position, header.blockSize) { inflater.inflate($0, header: header) }
            switch result {
            case .success(let length): return .good(size: header.blockSize, payloadLength: length)
            case .failure(let failure): return .bad(failure.reason, .corruptBlock)
            }
        }
    }

    /// Reads the next step and advances past it.
    ///
    /// `waitForGrowth` (follow mode) treats an incomplete block at the end as "not yet written" instead of damage.
    func next(waitForGrowth: Bool = false) -> Step {
        let start = offset
        if gaveUp { return .end(offset: start, partial: 0) }
        switch attempt(at: start) {
        case .good(let size, let payloadLength):
            offset += Int64(size)
            firstBlockSearchEnd = nil
            return .block(offset: start, size: size, payloadLength: payloadLength)
        case .incomplete(let available):
            let reason = "truncated block: the file ends inside it, or its BSIZE is damaged"
            if available > 0 {
                // A complete good block further on means this one is damaged (for example its BSIZE), not the
                // torn or still-growing end of the file.
                switch searchForBlock(after: start, acceptIncomplete: false) {
                case .found(let found):
                    offset = found
                    return .damage(offset: start, length: found - start, reason: reason, kind: .truncatedBlock)
                case .gaveUp(let end):
                    return giveUp(from: start, to: end, reason: reason, kind: .truncatedBlock)
                case .endOfFile(let end):
                    if !waitForGrowth {
                        offset = end
                        return .damage(offset: start, length: end - start, reason: reason, kind: .truncatedBlock)
                    }
                }
            }
            // A file may grow or be rewritten past here before the next call: forget the cached bytes (a stream's
            // are kept, as it cannot give them again).
            if file.isSeekable { windowCount = 0 }
            return .end(offset: start, partial: available)
        case .bad(let reason, let kind):
            switch searchForBlock(after: start, acceptIncomplete: waitForGrowth) {
            case .found(let end), .endOfFile(let end):
                offset = end
                return .damage(offset: start, length: end - start, reason: reason, kind: kind)
            case .gaveUp(let end):
                return giveUp(from: start, to: end, reason: reason, kind: kind)
            }
        }
    }

    /// The damage that ends a scan which found no good block within `LogReader.firstBlockSearchBytes`.
    private func giveUp(from start: Int64, to end: Int64, reason: String, kind: LogDamage.Kind) -> Step {
        offset = end
        gaveUp = true
        let searched = "\(LogReader.firstBlockSearchBytes >> 20) MiB"
        return .damage(
            offset: start, length: end - start,
            reason: reason + "; no valid BGZF block in the first \(searched), so the reader stopped looking",
            kind: kind)
    }

    /// Where a search for the next block ended.
    private enum SearchResult {
        /// A good block (or an incomplete one at the end of the file, when accepted) starts here.
        case found(Int64)
        /// No block: the file ends here.
        case endOfFile(Int64)
        /// No first good block within the bounded search, which ends here.
        case gaveUp(Int64)
    }

    /// Searches past `start` for the next position where a good block begins (or, with `acceptIncomplete`, a
    /// block that is still incomplete at the end of the file); before the first good block, only as far as
    /// `firstBlockSearchEnd`.
    private func searchForBlock(after start: Int64, acceptIncomplete: Bool) -> SearchResult {
        var position = start + 1
        while true {
            if let limit = firstBlockSearchEnd, position >= limit { return .gaveUp(Swift.max(limit, start + 1)) }
            if abandoned.load(ordering: .relaxed) { return .endOfFile(position) }
            let available = load(position, 4)
            if available < 4 {
                // Fewer than 4 bytes left: no block can start here.
                return .endOfFile(position + Int64(available))
            }
            var searched = windowCount - Int(position - windowStart)
            if let limit = firstBlockSearchEnd { searched = Int(Swift.min(Int64(searched), limit - position + 3)) }
            let magicAt: Int? = withWindow(position, searched) { bytes in
                var index = 0
                while index + 3 < bytes.count {
                    if bytes[index] == 0x1F, bytes[index + 1] == 0x8B, bytes[index + 2] == 0x08,
                        bytes[index + 3] == 0x04
                    {
                        return index
                    }
                    index += 1
                }
                return nil
            }
            guard let magicAt else {
                position += Int64(searched - 3)
                continue
            }
            let candidate = position + Int64(magicAt)
            switch attempt(at: candidate) {
            case .good:
                return .found(candidate)
            case .incomplete where acceptIncomplete:
                return .found(candidate)
            case .incomplete, .bad:
                position = candidate + 1
            }
        }
    }
}
