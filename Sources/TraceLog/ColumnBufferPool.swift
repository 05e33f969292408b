// ColumnBufferPool: raw buffers the decoder's column builders reuse from block to block.

import TraceSync

/// Raw memory kept for `ColumnBuilder`s to reuse. Decoding needs the same few sizes for every block; fresh memory
/// from malloc costs a page fault per 4 KiB each time the allocator has returned it to the system, and most of
/// replay's page faults came from these buffers. At most `maxKept` buffers are kept.
///
/// ```swift
/// let buffer = ColumnBufferPool.take(bytes: 8 * spanCount)
/// defer { ColumnBufferPool.give(buffer) }
/// ```
enum ColumnBufferPool {
    static let maxKept = 32
    /// The smallest buffer allocated, so that records of different sizes can share buffers.
    static let minimumBytes = 64 * 1024

    // @unchecked Sendable: the pointers are only handed out and taken back under the lock; a buffer is used by
    // one builder at a time.
    private struct Buffers: @unchecked Sendable {
        var free: [UnsafeMutableRawBufferPointer] = []
    }

    private static let buffers = Locked(Buffers())

    /// A buffer of at least `bytes` bytes, 16-byte aligned.
    static func take(bytes: Int) -> UnsafeMutableRawBufferPointer {
        let reused = buffers.withLock { buffers -> UnsafeMutableRawBufferPointer? in
            guard let index = buffers.free.firstIndex(where: { $0.count >= bytes }) else { return nil }
            return buffers.free.remove(at: index)
        }
        if let reused { return reused }
        // Rounded up to a power of two, so a buffer fits the next few records too.
        var size = minimumBytes
        while size < bytes { size <<= 1 }
        return .allocate(byteCount: size, alignment: 16)
    }

    /// Takes `buffer` back, or frees it when enough are kept.
    static func give(_ buffer: UnsafeMutableRawBufferPointer) {
        let kept = buffers.withLock { buffers -> Bool in
            guard buffers.free.count < maxKept else { return false }
            buffers.free.append(buffer)
            return true
        }
        if !kept { buffer.deallocate() }
    }
}
