/// MinHash signatures and LSH band keys (Broder 1997, "On the resemblance and containment of
/// documents"; banding as in Leskovec, Rajaraman, Ullman, *Mining of Massive Datasets* §3.4).
///
/// Defaults are DESIGN §7 (and datatrove's `MinhashConfig`): word 5-grams of simplified text,
/// 14 bands × 8 hashes = 112 permutations, 64-bit values. Two documents become candidates when
/// all 8 values of any band agree, which happens with probability 1 − (1 − J⁸)¹⁴ for Jaccard
/// similarity J: 0.07 at J = 0.5, 0.50 at J = 0.72, 0.93 at J = 0.8, 0.9997 at J = 0.9.
///
/// A shingle is hashed once (xxHash64 of its words' xxHash64 values); permutation i maps a
/// shingle hash x to `aᵢ·x + bᵢ mod 2⁶⁴` with odd `aᵢ` drawn from SplitMix64(seed), a bijection
/// of the 64-bit values (multiply-add family, Dietzfelbinger et al. 1997). Minima over 8 lanes
/// at a time use SIMD.
public struct MinHashConfig: Sendable, Hashable {
    public var ngram: Int
    public var bands: Int
    public var rowsPerBand: Int
    public var seed: UInt64

    public init(ngram: Int = 5, bands: Int = 14, rowsPerBand: Int = 8, seed: UInt64 = 1) {
        self.ngram = ngram
        self.bands = bands
        self.rowsPerBand = rowsPerBand
        self.seed = seed
    }

    public var permutations: Int { bands * rowsPerBand }

    /// Identifies the configuration in intermediate files (a file of another one is refused).
    public var hash: UInt64 {
        XXHash64.hash("minhash \(ngram) \(bands) \(rowsPerBand) \(seed)")
    }
}

/// Computes signatures and band keys; one per worker (it owns scratch buffers).
public struct MinHasher {
    public let config: MinHashConfig
    private let lanes: Int
    private var a: [SIMD8<UInt64>]
    private var b: [SIMD8<UInt64>]
    private var minima: [SIMD8<UInt64>]
    private var simplified: [UInt8] = []
    private var words: [UInt64] = []

    public init(_ config: MinHashConfig) {
        self.config = config
        lanes = (config.permutations + 7) / 8
        var generator = SplitMix64(seed: config.seed)
        a = (0..<lanes).map { _ in SIMD8((0..<8).map { _ in generator.next() | 1 }) }
        b = (0..<lanes).map { _ in SIMD8((0..<8).map { _ in generator.next() }) }
        minima = Array(repeating: SIMD8(repeating: .max), count: lanes)
    }

    /// Hashes of the word n-grams of the simplified text (a text of fewer than `ngram` words is
    /// one shingle; an empty one has none).
    public mutating func shingles(_ text: String) -> [UInt64] {
        var result: [UInt64] = []
        forEachShingle(text) { result.append($0) }
        return result
    }

    mutating func forEachShingle(_ text: String, _ body: (UInt64) -> Void) {
        TextSimplifier.simplify(text, into: &simplified)
        words.removeAll(keepingCapacity: true)
        simplified.withUnsafeBytes { bytes in
            var start = 0
            for k in 0...bytes.count where k == bytes.count || bytes[k] == 0x20 {
                if k > start { words.append(XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[start..<k]))) }
                start = k + 1
            }
        }
        let n = config.ngram
        guard !words.isEmpty else { return }
        words.withUnsafeBytes { raw in
            if words.count < n {
                body(XXHash64.hash(raw))
                return
            }
            for start in 0...(words.count - n) {
                body(XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[(start * 8)..<((start + n) * 8)])))
            }
        }
    }

    /// The signature: `permutations` minima (all `UInt64.max` for a text without words).
    public mutating func signature(_ text: String) -> [UInt64] {
        computeMinima(text)
        return Array(minima.lazy.flatMap { v in (0..<8).map { v[$0] } }.prefix(config.permutations))
    }

    private mutating func computeMinima(_ text: String) {
        for k in minima.indices { minima[k] = SIMD8(repeating: .max) }
        var shingles = 0
        forEachShingleMinimum(text, count: &shingles)
    }

    private mutating func forEachShingleMinimum(_ text: String, count: inout Int) {
        var local = minima
        let a = self.a, b = self.b
        var seen = 0
        forEachShingle(text) { x in
            seen += 1
            let v = SIMD8(repeating: x)
            for k in 0..<local.count {
                local[k] = pointwiseMin(local[k], a[k] &* v &+ b[k])
            }
        }
        minima = local
        count = seen
    }

    /// The LSH band keys: for band k, xxHash64 (seed k) of its `rowsPerBand` values. Nil for a
    /// text without words (it is nobody's duplicate).
    public mutating func bandKeys(_ text: String) -> [UInt64]? {
        for k in minima.indices { minima[k] = SIMD8(repeating: .max) }
        var count = 0
        forEachShingleMinimum(text, count: &count)
        guard count > 0 else { return nil }
        let r = config.rowsPerBand
        return minima.withUnsafeBytes { raw in
            (0..<config.bands).map { band in
                XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[(band * r * 8)..<((band + 1) * r * 8)]), seed: UInt64(band))
            }
        }
    }
}

/// Exact Jaccard similarity of two sets of shingle hashes (for verifying candidate pairs).
public func jaccard(_ x: [UInt64], _ y: [UInt64]) -> Double {
    let a = Set(x), b = Set(y)
    let union = a.union(b).count
    return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
}
