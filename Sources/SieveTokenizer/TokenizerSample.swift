import SieveCore

/// A document's place in the training sample of `train_tokenizer`: documents are taken in the
/// order of a seeded hash of their text, ties going to the earlier input file, then the earlier
/// position in it. The sample is thus a function of the corpus, not of how a run split it into
/// tasks, and a uniform random one (the hash is SplitMix64's finaliser over a hash of the bytes).
struct SampleKey: Comparable, Hashable {
    var hash: UInt64
    var file: Int
    var position: Int

    init(hash: UInt64, file: Int, position: Int) {
        self.hash = hash
        self.file = file
        self.position = position
    }

    init(text: String, seed: UInt64, file: Int, position: Int) {
        var text = text
        let h = text.withUTF8 { ByteTable.hash(UnsafeRawPointer($0.baseAddress ?? UnsafePointer(bitPattern: 1)!), $0.count) }
        var mix = SplitMix64(seed: h ^ seed)
        self.init(hash: mix.next(), file: file, position: position)
    }

    static func < (a: SampleKey, b: SampleKey) -> Bool { (a.hash, a.file, a.position) < (b.hash, b.file, b.position) }
}

/// The documents that come first by `SampleKey` and whose texts add up to at most `budget` bytes
/// (the longest such prefix): bottom-k sampling (Cohen & Kaplan 2007, "Summarizing data using
/// bottom-k sketches") with a byte budget in place of k. Chosen while documents stream past in any
/// order: a max-heap holds the prefix so far, and `ceiling` is the first key that did not fit, so
/// that nothing after it gets in. Memory is bounded by the budget, whatever the corpus size.
///
/// A corpus-wide sample is the sample of the per-file samples: each file's share of the global
/// prefix lies inside the file's own prefix, and the smallest of the files' ceilings bounds the
/// global one (`add(ceiling:)`).
struct BottomSample<Payload> {
    struct Entry: HeapOrdered {
        var key: SampleKey
        var size: Int
        var payload: Payload
        func before(_ other: Entry) -> Bool { key > other.key }
    }

    let budget: Int
    private(set) var bytes = 0
    private(set) var ceiling: SampleKey?
    private var heap = Heap<Entry>()

    init(budget: Int) { self.budget = budget }

    /// Offers a document of `size` bytes; `payload` is evaluated only when it is taken.
    mutating func add(_ key: SampleKey, size: Int, payload: @autoclosure () -> Payload) {
        if let ceiling, key >= ceiling { return }
        if let top = heap.top, key > top.key, bytes + size > budget {
            ceiling = key
            return
        }
        heap.push(Entry(key: key, size: size, payload: payload()))
        bytes += size
        while bytes > budget, let top = heap.pop() {
            bytes -= top.size
            ceiling = top.key
        }
    }

    /// Lowers the ceiling to `key` (the first document of some part of the corpus that did not fit).
    mutating func add(ceiling key: SampleKey) {
        if let ceiling, ceiling <= key { return }
        ceiling = key
        while let top = heap.top, top.key >= key {
            _ = heap.pop()
            bytes -= top.size
        }
    }

    /// The documents taken, in key order.
    var entries: [Entry] { heap.elements.sorted { $0.key < $1.key } }
}
