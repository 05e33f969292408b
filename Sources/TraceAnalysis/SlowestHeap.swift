// SlowestHeap: the N slowest elements of a stream, in a bounded min-heap (for spans and for whole traces).

/// Something with a total "slower than" order: longer first, then a tie-break that does not depend on arrival.
protocol SlownessRanked: Sendable {
    /// Whether `a` ranks before `b` among the slowest.
    static func isSlower(_ a: Self, than b: Self) -> Bool
}

/// Keeps the `capacity` slowest elements offered, in memory for `capacity` elements.
struct SlowestHeap<Element: SlownessRanked>: Sendable {
    let capacity: Int
    /// A min-heap on slowness: the root is the fastest element kept, the first to give way.
    private var heap: [Element] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Offers one element; it is kept if it is among the `capacity` slowest so far.
    mutating func add(_ element: Element) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(element)
            siftUp(heap.count - 1)
        } else if Element.isSlower(element, than: heap[0]) {
            heap[0] = element
            siftDown(0)
        }
    }

    /// Whether an element would be kept: there is room, or `isSlowerThanFastestKept` says it beats the fastest
    /// element kept. Lets a caller skip building an element that would be dropped.
    func wouldKeep(_ isSlowerThanFastestKept: (Element) -> Bool) -> Bool {
        guard capacity > 0 else { return false }
        return heap.count < capacity || isSlowerThanFastestKept(heap[0])
    }

    /// The kept elements, slowest first.
    var slowestFirst: [Element] {
        heap.sorted { Element.isSlower($0, than: $1) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Element.isSlower(heap[parent], than: heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var fastest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count {
                if Element.isSlower(heap[fastest], than: heap[child]) { fastest = child }
            }
            guard fastest != parent else { return }
            heap.swapAt(parent, fastest)
            parent = fastest
        }
    }
}
