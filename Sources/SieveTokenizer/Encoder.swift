/// Encodes text with a `Tokenizer`: pre-tokenizes, then looks each piece up in a cache of pieces
/// already encoded before running BPE on it. One per thread; buffers are reused, so encoding
/// allocates nothing per token (only when a new piece enters the cache).
public struct Encoder {
    public let tokenizer: Tokenizer
    /// Pieces longer than this are encoded every time (as `tokenizers` does from 256 bytes).
    static let maxCachedPiece = 255
    /// The cache starts over when it holds this many pieces.
    public var cacheCapacity: Int { cache.capacity }

    private var cache: PieceCache
    // BPE work buffers.
    private var symbols: [UInt32] = []
    private var next: [Int32] = []
    private var prev: [Int32] = []
    private var heap = Heap<UInt64>()
    private var piece: [UInt32] = []
    private var prefixed: [UInt8] = []
    /// Whether each byte starts one of the added tokens.
    private let addedFirstBytes: [Bool]

    public init(_ tokenizer: Tokenizer, cacheCapacity: Int = 1 << 18) {
        self.tokenizer = tokenizer
        cache = PieceCache(capacity: cacheCapacity)
        var first = [Bool](repeating: false, count: 256)
        for added in tokenizer.addedTokens { if let b = added.content.utf8.first { first[Int(b)] = true } }
        addedFirstBytes = first
    }

    /// Encodes `text`. With `allowSpecial`, added tokens written in the text (`<|endoftext|>`)
    /// become their ids, as `tokenizers`' `encode` does; without, they are ordinary text (as
    /// tiktoken's `encode_ordinary`, what training data wants).
    public mutating func encode(_ text: String, allowSpecial: Bool = true) -> [UInt32] {
        var out: [UInt32] = []
        var text = text
        text.withUTF8 { encode(UnsafeRawBufferPointer($0), into: &out, allowSpecial: allowSpecial) }
        return out
    }

    public mutating func encode(bytes: [UInt8], allowSpecial: Bool = true) -> [UInt32] {
        var out: [UInt32] = []
        bytes.withUnsafeBytes { encode($0, into: &out, allowSpecial: allowSpecial) }
        return out
    }

    /// Appends the ids of `bytes` (any bytes, valid UTF-8 or not) to `out`.
    public mutating func encode(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt32], allowSpecial: Bool = true) {
        if tokenizer.addPrefixSpace, bytes.first.map({ $0 != 0x20 }) ?? false {
            prefixed.removeAll(keepingCapacity: true)
            prefixed.append(0x20)
            prefixed.append(contentsOf: bytes)
            let copy = prefixed
            copy.withUnsafeBytes { encodeSegments($0, into: &out, allowSpecial: allowSpecial) }
        } else {
            encodeSegments(bytes, into: &out, allowSpecial: allowSpecial)
        }
    }

    /// Splits at added tokens (leftmost, then longest), encoding the text between them.
    private mutating func encodeSegments(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt32], allowSpecial: Bool) {
        guard allowSpecial, !tokenizer.addedTokens.isEmpty else { return encodeText(bytes, into: &out) }
        var start = 0
        var i = 0
        while i < bytes.count {
            guard addedFirstBytes[Int(bytes[i])] else { i += 1; continue }
            var best: Tokenizer.AddedToken?
            var bestLength = 0
            for added in tokenizer.addedTokens {
                let content = added.content.utf8
                if content.count > bestLength, i + content.count <= bytes.count,
                   content.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + content.count)])) {
                    best = added
                    bestLength = content.count
                }
            }
            guard let best else { i += 1; continue }
            encodeText(UnsafeRawBufferPointer(rebasing: bytes[start..<i]), into: &out)
            out.append(best.id)
            i += bestLength
            start = i
        }
        encodeText(UnsafeRawBufferPointer(rebasing: bytes[start...]), into: &out)
    }

    private mutating func encodeText(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt32]) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        PreTokenizer.split(bytes) { start, end in
            let p = base + start, n = end - start
            guard n <= Self.maxCachedPiece else { return bpe(p, n, into: &out) }
            if cache.lookup(p, n, into: &out) { return }
            let before = out.count
            bpe(p, n, into: &out)
            cache.insert(p, n, out[before...])
        }
    }

    /// BPE on one piece: merges the adjacent pair of lowest rank (leftmost among equals) until none
    /// applies, with a heap of candidate pairs keyed by rank then position, as `tokenizers` does.
    private mutating func bpe(_ p: UnsafeRawPointer, _ n: Int, into out: inout [UInt32]) {
        let t = tokenizer
        if t.ignoreMerges, let entry = t.tokensByBytes.find(p, n) {
            out.append(t.wholeTokenIDs[entry])
            return
        }
        symbols.removeAll(keepingCapacity: true)
        for k in 0..<n {
            let id = t.byteToken[Int(p.load(fromByteOffset: k, as: UInt8.self))]
            if id >= 0 { symbols.append(UInt32(id)) }
        }
        let m = symbols.count
        if m < 2 {
            out.append(contentsOf: symbols)
            return
        }
        next.removeAll(keepingCapacity: true)
        prev.removeAll(keepingCapacity: true)
        heap.removeAll()
        for k in 0..<m {
            next.append(k + 1 < m ? Int32(k + 1) : -1)
            prev.append(Int32(k - 1))
        }
        for k in 0..<(m - 1) {
            if let rank = t.mergeRanks.find(PairTable.key(symbols[k], symbols[k + 1])) { heap.push(UInt64(rank) << 32 | UInt64(k)) }
        }
        while let top = heap.pop() {
            let pos = Int(top & 0xFFFF_FFFF), rank = Int32(top >> 32)
            let right = Int(next[pos])
            // Skip entries made stale by an earlier merge (a removed symbol has next == -2).
            guard right >= 0, t.mergeRanks.find(PairTable.key(symbols[pos], symbols[right])) == rank else { continue }
            symbols[pos] = t.mergeResult[Int(rank)]
            let after = next[right]
            next[pos] = after
            next[right] = -2
            if after >= 0 { prev[Int(after)] = Int32(pos) }
            let before = Int(prev[pos])
            if before >= 0, let r = t.mergeRanks.find(PairTable.key(symbols[before], symbols[pos])) {
                heap.push(UInt64(r) << 32 | UInt64(before))
            }
            if after >= 0, let r = t.mergeRanks.find(PairTable.key(symbols[pos], symbols[Int(after)])) {
                heap.push(UInt64(r) << 32 | UInt64(pos))
            }
        }
        var k = 0
        while k >= 0 {
            out.append(symbols[k])
            k = Int(next[k])
        }
    }
}
