// ColumnBuilder: one column of a record's spans, written by index into pooled memory, then copied out as an array.

import TraceSync

/// One column of a record's spans (ids, times, shape indexes), written by index into memory sized for the
/// record, then copied into an array: writing through the pointer takes no uniqueness or bounds check per span.
/// The memory comes from `ColumnBufferPool` and goes back to it.
///
/// ```swift
/// var starts = ColumnBuilder<UInt64>()
/// starts.allocate(spanCount)
/// starts[0] = 1_700_000_000_000_000_000
/// let column = starts.finish(count: 1)
/// ```
struct ColumnBuilder<Element: BitwiseCopyable> {
    private var buffer: UnsafeMutableRawBufferPointer?
    private var storage: UnsafeMutablePointer<Element>?
    private var capacity = 0

    /// Makes room for `count` elements (returning any earlier memory to the pool).
    mutating func allocate(_ count: Int) {
        release()
        guard count > 0 else { return }
        let raw = ColumnBufferPool.take(bytes: count * MemoryLayout<Element>.stride)
        buffer = raw
        storage = raw.baseAddress?.bindMemory(to: Element.self, capacity: count)
        capacity = count
    }

    /// Element `index` (< the allocated count).
    @inline(__always)
    subscript(index: Int) -> Element {
        get { storage.unsafelyUnwrapped[index] }
        nonmutating set {
            assert(index < capacity)
            storage.unsafelyUnwrapped[index] = newValue
        }
    }

    /// The first `count` elements as an array; the memory goes back to the pool.
    mutating func finish(count: Int) -> [Element] {
        guard let storage else { return [] }
        let count = min(count, capacity)
        let elements = [Element](unsafeUninitializedCapacity: count) { elements, initialized in
            elements.baseAddress?.initialize(from: storage, count: count)
            initialized = count
        }
        release()
        return elements
    }

    private mutating func release() {
        if let buffer { ColumnBufferPool.give(buffer) }
        buffer = nil
        storage = nil
        capacity = 0
    }
}

/// Raw memory kept for `ColumnBuilder`s to reuse. Decoding needs the same few sizes for every block; fresh memory
/// from malloc costs a page fault per 4 KiB each time the allocator has returned it to the system, and most of
/// replay's page faults came from these buffers. At most `maxKept` buffers are kept.
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
