import SieveCore

/// MinHash signatures and LSH band keys (Broder 1997, "On the resemblance and containment of
/// documents"; banding as in Leskovec, Rajaraman, Ullman, *Mining of Massive Datasets* §3.4).
///
/// Defaults are DESIGN §7 (and datatrove's `MinhashConfig`): word 5-grams of simplified text,
/// 14 bands × 8 hashes = 112 permutations, 64-bit values. Two documents become candidates when
/// all 8 values of any band agree, which happens with probability 1 − (1 − J⁸)¹⁴ for Jaccard
/// similarity J: 0.07 at J = 0.5, 0.50 at J = 0.72, 0.93 at J = 0.8, 0.9997 at J = 0.9.
///
/// A shingle is hashed once (`XXHash64.combine` of its words' xxHash64 values); permutation i maps a
/// shingle hash x to `aᵢ·x + bᵢ mod 2⁶⁴` with odd `aᵢ` drawn from SplitMix64(seed), a bijection
/// of the 64-bit values (multiply-add family, Dietzfelbinger et al. 1997).
public struct MinHashConfig: Sendable, Hashable {
    public var ngram: Int
    public var bands: Int
    public var rowsPerBand: Int
    public var seed: UInt64
    /// When above 0, a candidate pair is a duplicate only if the exact Jaccard similarity of
    /// the two shingle sets is at least this (removes LSH's false positives, costs memory).
    public var verify: Double

    public init(ngram: Int = 5, bands: Int = 14, rowsPerBand: Int = 8, seed: UInt64 = 1, verify: Double = 0) {
        self.ngram = ngram
        self.bands = bands
        self.rowsPerBand = rowsPerBand
        self.seed = seed
        self.verify = verify
    }

    public var permutations: Int { bands * rowsPerBand }

    /// Identifies the configuration in intermediate files (a file of another one is refused).
    public var hash: UInt64 {
        XXHash64.hash("minhash \(ngram) \(bands) \(rowsPerBand) \(seed) \(verify)")
    }
}

/// Computes signatures and band keys; one per worker (it owns scratch buffers).
public struct MinHasher {
    public let config: MinHashConfig
    private let a: [UInt64]
    private let b: [UInt64]
    private var minima: [UInt64]
    private var simplifier = TextSimplifier()
    private var words: [UInt64] = []
    private var shingleHashes: [UInt64] = []

    public init(_ config: MinHashConfig) {
        self.config = config
        var generator = SplitMix64(seed: config.seed)
        a = (0..<config.permutations).map { _ in generator.next() | 1 }
        b = (0..<config.permutations).map { _ in generator.next() }
        minima = Array(repeating: .max, count: config.permutations)
    }

    /// Hashes of the word n-grams of the simplified text (a text of fewer than `ngram` words is
    /// one shingle; an empty one has none), sorted, without repeats.
    public mutating func shingles(_ text: String) -> [UInt64] {
        var result: [UInt64] = []
        forEachShingle(text) { result.append($0) }
        return sortedSet(result)
    }

    /// The shingles of the text last given to `bandKeys` or `signature`, sorted, without repeats.
    public var lastShingles: [UInt64] { sortedSet(shingleHashes) }

    private mutating func forEachShingle(_ text: String, _ body: (UInt64) -> Void) {
        var words = self.words
        words.removeAll(keepingCapacity: true)
        simplifier.forEachWord(text) { words.append(XXHash64.hash(UnsafeRawBufferPointer($0))) }
        defer { self.words = words }
        let n = config.ngram
        guard !words.isEmpty else { return }
        words.withUnsafeBufferPointer { w in
            if w.count < n {
                body(XXHash64.combine(w[...]))
                return
            }
            for start in 0...(w.count - n) { body(XXHash64.combine(w[start..<(start + n)])) }
        }
    }

    /// Fills `minima`; returns the number of shingles.
    private mutating func computeMinima(_ text: String) -> Int {
        var hashes = shingleHashes
        hashes.removeAll(keepingCapacity: true)
        forEachShingle(text) { hashes.append($0) }
        defer { shingleHashes = hashes }
        var local = minima
        hashes.withUnsafeBufferPointer { xs in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    local.withUnsafeMutableBufferPointer { m in
                        // One permutation at a time over all shingles: its minimum stays in a
                        // register, and the branch is almost never taken after the first
                        // shingles (a select would let the compiler vectorize with SSE2's
                        // emulated 64-bit lanes, which is slower).
                        for k in 0..<m.count {
                            let ak = a[k], bk = b[k]
                            var mk = UInt64.max
                            for x in xs {
                                let h = ak &* x &+ bk
                                if h < mk { mk = h }
                            }
                            m[k] = mk
                        }
                    }
                }
            }
        }
        minima = local
        return hashes.count
    }

    /// The signature: `permutations` minima (all `UInt64.max` for a text without words).
    public mutating func signature(_ text: String) -> [UInt64] {
        _ = computeMinima(text)
        return minima
    }

    /// The LSH band keys: for band k, xxHash64 (seed k) of its `rowsPerBand` values. Nil for a
    /// text without words (it is nobody's duplicate).
    public mutating func bandKeys(_ text: String) -> [UInt64]? {
        guard computeMinima(text) > 0 else { return nil }
        let r = config.rowsPerBand
        return minima.withUnsafeBytes { raw in
            (0..<config.bands).map { band in
                XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[(band * r * 8)..<((band + 1) * r * 8)]), seed: UInt64(band))
            }
        }
    }
}

func sortedSet(_ values: [UInt64]) -> [UInt64] {
    var sorted = values.sorted()
    var unique = 0
    for k in sorted.indices where k == 0 || sorted[k] != sorted[unique - 1] {
        sorted[unique] = sorted[k]
        unique += 1
    }
    sorted.removeLast(sorted.count - unique)
    return sorted
}

/// Exact Jaccard similarity of two sorted sets of shingle hashes (verifying candidate pairs).
public func jaccard(_ x: [UInt64], _ y: [UInt64]) -> Double {
    var i = 0, j = 0, common = 0
    while i < x.count, j < y.count {
        if x[i] == y[j] { common += 1; i += 1; j += 1 } else if x[i] < y[j] { i += 1 } else { j += 1 }
    }
    let union = x.count + y.count - common
    return union == 0 ? 1 : Double(common) / Double(union)
}
