import SieveCore

/// MinHash signatures and LSH band keys (Broder 1997, "On the resemblance and containment of
/// documents"; banding as in Leskovec, Rajaraman, Ullman, *Mining of Massive Datasets* §3.4).
///
/// Defaults are DESIGN §7 (and datatrove's `MinhashConfig`): word 5-grams of simplified text,
/// 14 bands × 8 hashes = 112 permutations. Two documents become candidates when all 8 values of
/// any band agree, which happens with probability 1 − (1 − J⁸)¹⁴ for Jaccard similarity J:
/// 0.07 at J = 0.5, 0.50 at J = 0.72, 0.93 at J = 0.8, 0.9997 at J = 0.9.
///
/// Hashing (`ShingleHash`): each word is hashed once to 64 bits (wyhash's mixing), a shingle's
/// hash combines its words' hashes (one 64-bit value per shingle, kept for exact-Jaccard
/// verification). Permutation i maps the shingle's top 32 bits x to `aᵢ·x + bᵢ mod 2³²` with odd
/// `aᵢ` drawn from SplitMix64(seed): a bijection of the 32-bit values from the multiply-add
/// family (Dietzfelbinger, Hagerup, Katajainen, Penttonen 1997, "A reliable randomized algorithm
/// for the closest-pair problem"), whose top bits carry the minimum. 32-bit minima as in
/// datasketch's `MinHash` (values below 2³²); 8 permutations per AVX2 vector
/// (`SIMD8<UInt32>`: `vpmulld`, `vpaddd`, `vpminud`), so the 112 permutations of a shingle cost
/// 14 vector multiply-adds instead of 112 scalar 64-bit ones. On random sets, their agreement
/// estimates J without bias and with the variance of 112 independent permutations, J(1 − J)/112
/// (`minHashAgreementIsUnbiasedWithBinomialVariance`).
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

    /// Identifies the configuration (and the hashing scheme, "minhash32") in intermediate files:
    /// a file of another one is refused.
    public var hash: UInt64 {
        XXHash64.hash("minhash32 \(ngram) \(bands) \(rowsPerBand) \(seed) \(verify)")
    }
}

/// Computes signatures and band keys; one per worker (it owns scratch buffers).
public struct MinHasher {
    typealias Lanes = SIMD8<UInt32>
    public let config: MinHashConfig
    /// The permutations' multipliers and offsets, 8 per vector, padded to a whole number of
    /// vector pairs (the padding lanes are computed and never read).
    private let a: [Lanes]
    private let b: [Lanes]
    private var minima: [Lanes]
    private var simplifier = TextSimplifier()
    private var words: [UInt64] = []
    private var shingleHashes: [UInt64] = []
    private var keys: [UInt32] = []
    private var shingleCount = 0

    public init(_ config: MinHashConfig) {
        self.config = config
        var generator = SplitMix64(seed: config.seed)
        let vectors = (config.permutations + 15) / 16 * 2
        let values = (0..<(2 * vectors * Lanes.scalarCount)).map { _ in UInt32(truncatingIfNeeded: generator.next() >> 32) }
        let half = vectors * Lanes.scalarCount
        a = (0..<vectors).map { v in Lanes((0..<Lanes.scalarCount).map { values[v * Lanes.scalarCount + $0] | 1 }) }
        b = (0..<vectors).map { v in Lanes((0..<Lanes.scalarCount).map { values[half + v * Lanes.scalarCount + $0] }) }
        minima = Array(repeating: Lanes(repeating: .max), count: vectors)
    }

    /// Hashes of the word n-grams of the simplified text (a text of fewer than `ngram` words is
    /// one shingle; an empty one has none), sorted, without repeats.
    public mutating func shingles(_ text: String) -> [UInt64] {
        computeShingles(text)
        return lastShingles
    }

    /// The shingles of the text last given to `bandKeys` or `signature`, sorted, without repeats.
    public var lastShingles: [UInt64] { sortedSet(Array(shingleHashes[0..<shingleCount])) }

    /// Fills `shingleHashes` and `keys` (their top 32 bits, what the permutations see).
    private mutating func computeShingles(_ text: String) {
        // Scratch grown to the most words the text can hold (a word and a separator per 2 bytes).
        let most = text.utf8.count / 2 + 1
        if words.count < most {
            words = Array(repeating: 0, count: most)
            shingleHashes = Array(repeating: 0, count: most)
            keys = Array(repeating: 0, count: most)
        }
        var count = 0
        words.withUnsafeMutableBufferPointer { w in
            simplifier.forEachWord(text) { w[count] = ShingleHash.word($0); count += 1 }
        }
        let n = config.ngram
        shingleCount = count == 0 ? 0 : count < n ? 1 : count - n + 1
        words.withUnsafeBufferPointer { w in
            shingleHashes.withUnsafeMutableBufferPointer { hashes in
                keys.withUnsafeMutableBufferPointer { keys in
                    ShingleHash.forEachShingle(UnsafeBufferPointer(rebasing: w[0..<count]), n: n) { s, h in
                        hashes[s] = h
                        keys[s] = UInt32(truncatingIfNeeded: h >> 32)
                    }
                }
            }
        }
    }

    /// Fills `minima`; returns the number of shingles.
    private mutating func computeMinima(_ text: String) -> Int {
        computeShingles(text)
        var local = minima
        let count = shingleCount
        keys.withUnsafeBufferPointer { all in
            let xs = UnsafeBufferPointer(rebasing: all[0..<count])
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    local.withUnsafeMutableBufferPointer { m in
                        // Two vectors (16 permutations) at a time over all shingles: their
                        // minima, multipliers and offsets stay in registers.
                        for v in stride(from: 0, to: m.count, by: 2) {
                            let (a0, a1, b0, b1) = (a[v], a[v + 1], b[v], b[v + 1])
                            var m0 = Lanes(repeating: .max), m1 = m0
                            for x in xs {
                                m0 = pointwiseMin(m0, a0 &* x &+ b0)
                                m1 = pointwiseMin(m1, a1 &* x &+ b1)
                            }
                            m[v] = m0
                            m[v + 1] = m1
                        }
                    }
                }
            }
        }
        minima = local
        return shingleCount
    }

    /// The signature: `permutations` minima (all `UInt32.max` for a text without words).
    public mutating func signature(_ text: String) -> [UInt32] {
        _ = computeMinima(text)
        return minima.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self).prefix(config.permutations)) }
    }

    /// The LSH band keys: for band k, xxHash64 (seed k) of its `rowsPerBand` values (32-bit,
    /// little-endian). Nil for a text without words (it is nobody's duplicate).
    public mutating func bandKeys(_ text: String) -> [UInt64]? {
        guard computeMinima(text) > 0 else { return nil }
        let width = config.rowsPerBand * MemoryLayout<UInt32>.size
        return minima.withUnsafeBytes { raw in
            (0..<config.bands).map { band in
                XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[(band * width)..<((band + 1) * width)]), seed: UInt64(band))
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
