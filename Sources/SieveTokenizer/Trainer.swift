#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// How often each pre-token occurs in a corpus: what BPE training needs instead of the corpus
/// itself, so memory grows with the number of distinct pre-tokens, not with the input.
public struct WordCounts {
    var words = ByteTable(capacity: 1 << 16)
    var counts: [Int64] = []

    public init() {}

    public var distinct: Int { words.count }

    /// Pre-tokenizes `bytes` (one sequence: a document, or a line of a text file) and counts its pieces.
    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        PreTokenizer.split(bytes) { start, end in
            let (k, inserted) = words.insert(base + start, end - start)
            if inserted { counts.append(1) } else { counts[k] += 1 }
        }
    }

    /// Adds the counts of `other`.
    public mutating func merge(_ other: WordCounts) {
        for k in 0..<other.words.count {
            let (e, inserted) = other.words.withKey(k) { words.insert($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count) }
            if inserted { counts.append(other.counts[k]) } else { counts[e] += other.counts[k] }
        }
    }

    /// Counts the sequences of a batch (`text[ends[k-1]..<ends[k]]`) on `threads` threads.
    public mutating func add(batch text: [UInt8], ends: [Int], threads: Int) {
        let parts = max(1, min(threads, ends.count))
        var partial = [WordCounts](repeating: WordCounts(), count: parts)
        text.withUnsafeBytes { text in
            partial.withUnsafeMutableBufferPointer { partial in
                runInParallel(parts) { w in
                    var counts = WordCounts()
                    var k = ends.count * w / parts
                    let stop = ends.count * (w + 1) / parts
                    var start = k == 0 ? 0 : ends[k - 1]
                    while k < stop {
                        counts.add(UnsafeRawBufferPointer(rebasing: text[start..<ends[k]]))
                        start = ends[k]
                        k += 1
                    }
                    partial[w] = counts
                }
            }
        }
        for counts in partial { merge(counts) }
    }
}

/// Byte-level BPE training, the algorithm of Hugging Face `tokenizers`' `BpeTrainer`, so that the
/// same corpus gives the same vocabulary and merges: special tokens take the first ids, then the
/// 256 byte characters in code-point order; then the most frequent adjacent pair is merged, ties
/// going to the smallest pair of ids, until the vocabulary reaches `vocabSize` or the best pair
/// occurs fewer than `minFrequency` times.
public struct BPETrainer: Sendable {
    public var vocabSize: Int
    public var minFrequency: Int64
    public var specialTokens: [String]

    public init(vocabSize: Int, minFrequency: Int64 = 2, specialTokens: [String] = ["<|endoftext|>"]) {
        self.vocabSize = vocabSize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
    }

    public func train(_ counts: WordCounts) throws -> Tokenizer {
        // Tokens by id (their bytes, and whether they are byte-level) and by bytes.
        var tokenBytes: [[UInt8]] = []
        var vocabStrings: [String] = []
        var byBytes = ByteTable(capacity: vocabSize)
        var idOfEntry: [UInt32] = []
        func addToken(_ string: String, bytes: [UInt8]?) -> UInt32 {
            let id = UInt32(vocabStrings.count)
            vocabStrings.append(string)
            tokenBytes.append(bytes ?? Array(string.utf8))
            if let bytes, byBytes.insert(bytes).inserted { idOfEntry.append(id) }
            return id
        }
        var added: [Tokenizer.AddedToken] = []
        for special in specialTokens where !vocabStrings.contains(special) {
            added.append(.init(id: addToken(special, bytes: ByteLevel.decode(special)), content: special))
        }
        var byteID = [UInt32](repeating: 0, count: 256)
        for b in ByteLevel.alphabetOrder {
            if let entry = byBytes.find([b]) {
                byteID[Int(b)] = idOfEntry[entry]  // a special token spelled as this one character
            } else {
                byteID[Int(b)] = addToken(ByteLevel.encode([b]), bytes: [b])
            }
        }

        // Words as symbol ids, end to end.
        let wordCount = counts.words.count
        var symbols: [UInt32] = []
        symbols.reserveCapacity(counts.words.arenaBytes)
        var wordStart = [Int](repeating: 0, count: wordCount)
        var wordLength = [Int](repeating: 0, count: wordCount)
        for w in 0..<wordCount {
            wordStart[w] = symbols.count
            for b in counts.words.key(w) { symbols.append(byteID[Int(b)]) }
            wordLength[w] = symbols.count - wordStart[w]
        }

        // Pairs: count and the words where they (may) occur.
        var pairIndex = PairTable(capacity: 1 << 16)
        var pairKey: [UInt64] = []
        var pairCount: [Int64] = []
        var pairWords: [[Int32]] = []
        func pair(_ key: UInt64) -> Int {
            if let p = pairIndex.find(key) { return Int(p) }
            pairIndex.set(key, Int32(pairKey.count))
            pairKey.append(key)
            pairCount.append(0)
            pairWords.append([])
            return pairKey.count - 1
        }
        for w in 0..<wordCount where wordLength[w] > 1 {
            for i in wordStart[w]..<(wordStart[w] + wordLength[w] - 1) {
                let p = pair(PairTable.key(symbols[i], symbols[i + 1]))
                pairCount[p] += counts.counts[w]
                if pairWords[p].last != Int32(w) { pairWords[p].append(Int32(w)) }
            }
        }
        var queue = Heap<PairEntry>()
        for p in pairKey.indices where pairCount[p] > 0 { queue.push(PairEntry(count: pairCount[p], key: pairKey[p], pair: p)) }

        var merges: [(String, String)] = []
        var visited = [Int32](repeating: -1, count: wordCount)
        var touchedStamp: [Int32] = []
        var touched: [Int] = []
        var round: Int32 = 0
        while vocabStrings.count < vocabSize, var top = queue.pop() {
            if top.count != pairCount[top.pair] {
                top.count = pairCount[top.pair]
                queue.push(top)
                continue
            }
            if top.count < 1 || top.count < minFrequency { break }
            let a = UInt32(top.key >> 32), b = UInt32(top.key & 0xFFFF_FFFF)
            let newBytes = tokenBytes[Int(a)] + tokenBytes[Int(b)]
            let c: UInt32
            if let entry = byBytes.find(newBytes) {
                c = idOfEntry[entry]
            } else {
                c = addToken(ByteLevel.encode(newBytes), bytes: newBytes)
            }
            merges.append((vocabStrings[Int(a)], vocabStrings[Int(b)]))

            touched.removeAll(keepingCapacity: true)
            func change(_ left: UInt32, _ right: UInt32, _ delta: Int64, _ w: Int) {
                let p = pair(PairTable.key(left, right))
                pairCount[p] += delta * counts.counts[w]
                guard delta > 0 else { return }
                if pairWords[p].last != Int32(w) { pairWords[p].append(Int32(w)) }
                while touchedStamp.count <= p { touchedStamp.append(-1) }
                if touchedStamp[p] != round {
                    touchedStamp[p] = round
                    touched.append(p)
                }
            }
            for w32 in pairWords[top.pair] {
                let w = Int(w32)
                guard visited[w] != round else { continue }
                visited[w] = round
                let s = wordStart[w]
                var n = wordLength[w]
                var i = 0
                while i < n {
                    if symbols[s + i] == a, i + 1 < n, symbols[s + i + 1] == b {
                        if i > 0 {
                            change(symbols[s + i - 1], a, -1, w)
                            change(symbols[s + i - 1], c, 1, w)
                        }
                        symbols[s + i] = c
                        for k in (i + 1)..<(n - 1) { symbols[s + k] = symbols[s + k + 1] }
                        n -= 1
                        if i < n - 1 {
                            change(b, symbols[s + i + 1], -1, w)
                            change(c, symbols[s + i + 1], 1, w)
                        }
                    }
                    i += 1
                }
                wordLength[w] = n
            }
            pairWords[top.pair] = []
            for p in touched where pairCount[p] > 0 { queue.push(PairEntry(count: pairCount[p], key: pairKey[p], pair: p)) }
            round += 1
        }
        let vocab = vocabStrings.enumerated().map { (token: $0.element, id: UInt32($0.offset)) }
        return try Tokenizer(vocab: vocab, merges: merges, addedTokens: added)
    }
}

/// A pair in the trainer's queue: by count (highest first), ties by the pair of ids (smallest
/// first), `tokenizers`' order.
struct PairEntry: HeapOrdered {
    var count: Int64
    var key: UInt64
    var pair: Int
    func before(_ other: PairEntry) -> Bool { count != other.count ? count > other.count : key < other.key }
}
