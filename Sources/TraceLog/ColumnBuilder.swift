// ColumnBuilder: one column of a record's spans, written by index into pooled memory, then copied out as an array.

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
