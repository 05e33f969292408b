// BlockScanner: walks the BGZF blocks of a log file, verifying each, and resynchronises after damage.

/// Finds, verifies and inflates the blocks of one file in order; reports damaged regions with their offsets.
///
/// Memory is bounded: one read window and one 64 KiB payload, whatever the file contains.
final class BlockScanner {
    /// What the scanner found at the current position.
    enum Step: Hashable {
        /// A good block: its offset and size; its payload is `inflater.payload[0..<payloadLength]`.
        case block(offset: Int64, size: Int, payloadLength: Int)
        /// A damaged region that was skipped.
        case damage(offset: Int64, length: Int64, reason: String)
        /// No complete block at `offset`: the file ends there, or (when `partial > 0`) ends in a block that is
        /// still incomplete.
        case end(offset: Int64, partial: Int64)
    }

    let file: FileHandle
    let inflater: BlockInflater
    /// The offset of the next block to read.
    private(set) var offset: Int64
    /// A window of the file: `window[0..<windowCount]` holds the bytes from `windowStart`.
    private var window: [UInt8]
    private var windowStart: Int64 = 0
    private var windowCount = 0
    private static let windowCapacity = 4 * LogFormat.maxBlockBytes

    init(file: FileHandle, offset: Int64 = 0) throws(TraceLogError) {
        self.file = file
        self.offset = offset
        self.inflater = try BlockInflater()
        self.window = [UInt8](repeating: 0, count: Self.windowCapacity)
    }

    /// Makes `[position, position + count)` available in the window as far as the file has it; returns how many
    /// of those bytes are available.
    private func load(_ position: Int64, _ count: Int) -> Int {
        let end = windowStart + Int64(windowCount)
        if position >= windowStart, position + Int64(count) <= end {
            return count
        }
        windowStart = position
        windowCount = file.read(into: &window, at: 0, count: Self.windowCapacity, offset: position)
        return min(count, windowCount)
    }

    private func withWindow<R>(_ position: Int64, _ count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(position - windowStart)
        return window.withUnsafeBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + count)])) }
    }

    /// The result of trying to read a block at one position.
    private enum Attempt {
        case good(size: Int, payloadLength: Int)
        case incomplete(available: Int64)
        case bad(String)
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
            return .bad("bad gzip header: " + reason)
        case .needMoreBytes:
            return .incomplete(available: Int64(available))
        case .header(let header):
            available = load(position, header.blockSize)
            guard available == header.blockSize else { return .incomplete(available: Int64(available)) }
            let result = withWindow(position, header.blockSize) { inflater.inflate($0, header: header) }
            switch result {
            case .success(let length): return .good(size: header.blockSize, payloadLength: length)
            case .failure(let failure): return .bad(failure.reason)
            }
        }
    }

    /// Reads the next step and advances past it.
    ///
    /// `waitForGrowth` (follow mode) treats an incomplete block at the end as "not yet written" instead of damage.
    func next(waitForGrowth: Bool = false) -> Step {
        let start = offset
        switch attempt(at: start) {
        case .good(let size, let payloadLength):
            offset += Int64(size)
            return .block(offset: start, size: size, payloadLength: payloadLength)
        case .incomplete(let available):
            let reason = "truncated block: the file ends inside it, or its BSIZE is damaged"
            if available > 0 {
                // A complete good block further on means this one is damaged (for example its BSIZE), not the
                // torn or still-growing end of the file.
                let search = searchForBlock(after: start, acceptIncomplete: false)
                if let found = search.found {
                    offset = found
                    return .damage(offset: start, length: found - start, reason: reason)
                }
                if !waitForGrowth {
                    offset = search.end
                    return .damage(offset: start, length: search.end - start, reason: reason)
                }
            }
            // The file may grow or be rewritten past here before the next call: forget the cached bytes.
            windowCount = 0
            return .end(offset: start, partial: available)
        case .bad(let reason):
            let search = searchForBlock(after: start, acceptIncomplete: waitForGrowth)
            let end = search.found ?? search.end
            offset = end
            return .damage(offset: start, length: end - start, reason: reason)
        }
    }

    /// Searches past `start` for the next position where a good block begins (or, with `acceptIncomplete`, a
    /// block that is still incomplete at the end of the file). Returns that position, or `nil` and the file end.
    private func searchForBlock(after start: Int64, acceptIncomplete: Bool) -> (found: Int64?, end: Int64) {
        var position = start + 1
        while true {
            let available = load(position, 4)
            if available < 4 {
                // Fewer than 4 bytes left: no block can start here.
                return (nil, position + Int64(available))
            }
            let magicAt: Int? = withWindow(position, windowCount - Int(position - windowStart)) { bytes in
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
                position = windowStart + Int64(windowCount) - 3
                continue
            }
            let candidate = position + Int64(magicAt)
            switch attempt(at: candidate) {
            case .good:
                return (candidate, candidate)
            case .incomplete where acceptIncomplete:
                return (candidate, candidate)
            case .incomplete, .bad:
                position = candidate + 1
            }
        }
    }
}
