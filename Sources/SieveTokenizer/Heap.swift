/// Elements that a `Heap` orders: `a.before(b)` when `a` comes out first.
protocol HeapOrdered {
    func before(_ other: Self) -> Bool
}

/// A binary heap (the encoder's merge candidates, the trainer's pair queue).
struct Heap<Element: HeapOrdered> {
    private var items: [Element] = []

    var isEmpty: Bool { items.isEmpty }

    /// What `pop` would return next.
    var top: Element? { items.first }

    /// Every element, in no particular order.
    var elements: [Element] { items }

    mutating func removeAll() { items.removeAll(keepingCapacity: true) }

    mutating func push(_ item: Element) {
        items.append(item)
        var k = items.count - 1
        while k > 0 {
            let parent = (k - 1) / 2
            guard items[k].before(items[parent]) else { break }
            items.swapAt(parent, k)
            k = parent
        }
    }

    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        items[0] = last
        var k = 0
        while true {
            let l = 2 * k + 1, r = l + 1
            var best = k
            if l < items.count, items[l].before(items[best]) { best = l }
            if r < items.count, items[r].before(items[best]) { best = r }
            if best == k { break }
            items.swapAt(k, best)
            k = best
        }
        return top
    }
}

/// Merge candidates of the encoder: rank in the high half, position in the low half, smallest first.
extension UInt64: HeapOrdered {
    @inline(__always) func before(_ other: UInt64) -> Bool { self < other }
}
