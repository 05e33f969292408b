// MinHeap: a binary min-heap, for the lanes of a Chrome trace (free lane numbers, busy lanes by end time).

/// A binary min-heap: `insert` and `popMin` in O(log n), `min` in O(1).
struct MinHeap<Element: Comparable> {
    private var elements: [Element] = []

    /// The smallest element, `nil` when empty.
    var min: Element? { elements.first }

    mutating func insert(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element, `nil` when empty.
    mutating func popMin() -> Element? {
        guard let smallest = elements.first else { return nil }
        let last = elements.removeLast()
        guard !elements.isEmpty else { return smallest }
        elements[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var least = parent
            if left < elements.count, elements[left] < elements[least] { least = left }
            if right < elements.count, elements[right] < elements[least] { least = right }
            guard least != parent else { break }
            elements.swapAt(parent, least)
            parent = least
        }
        return smallest
    }
}
