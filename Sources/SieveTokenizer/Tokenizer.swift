import SieveCore

/// A byte-level BPE tokenizer (GPT-2's scheme, Sennrich et al. 2016 "Neural Machine Translation of
/// Rare Words with Subword Units" over bytes, Radford et al. 2019): text is split by
/// `PreTokenizer`, each piece's bytes start as one token each, and merges are applied lowest rank
/// first (leftmost first among equal ranks), exactly as Hugging Face `tokenizers`' `BPE` model
/// does. Immutable and shared between threads; each thread encodes with its own `Encoder`.
public struct Tokenizer: Sendable {
    /// A token matched in text before pre-tokenization (`<|endoftext|>`).
    public struct AddedToken: Sendable, Hashable {
        public var id: UInt32
        public var content: String
        public var special: Bool
        public init(id: UInt32, content: String, special: Bool = true) {
            self.id = id
            self.content = content
            self.special = special
        }
    }

    /// The model's vocabulary as written in tokenizer.json (byte-level strings), by id; nil for
    /// ids that only added tokens use.
    public let vocab: [String?]
    /// Merges in rank order, as token ids.
    public let merges: [(UInt32, UInt32)]
    public let addedTokens: [AddedToken]
    /// `ByteLevel`'s `add_prefix_space`: a space is put before text that does not start with one.
    public let addPrefixSpace: Bool
    /// `BPE`'s `ignore_merges`: a piece that is a token as a whole is not merged step by step.
    public let ignoreMerges: Bool

    /// The bytes of every id, end to end, and where each starts (decoding).
    let bytes: [UInt8]
    let byteOffsets: [Int]
    /// The token of each single byte, or -1.
    let byteToken: [Int32]
    /// (left, right) → rank; `mergeResult[rank]` is the merged token.
    let mergeRanks: PairTable
    let mergeResult: [UInt32]
    /// Model tokens by their bytes (for `ignoreMerges`).
    let tokensByBytes: ByteTable

    /// Number of ids (one more than the largest).
    public var vocabSize: Int { byteOffsets.count - 1 }

    /// Builds a tokenizer from its vocabulary (byte-level strings and ids), merges (pairs of
    /// vocabulary strings, in rank order) and added tokens.
    public init(vocab: [(token: String, id: UInt32)], merges: [(String, String)], addedTokens: [AddedToken] = [],
                addPrefixSpace: Bool = false, ignoreMerges: Bool = false) throws {
        var byID: [String?] = []
        var ids: [String: UInt32] = [:]
        ids.reserveCapacity(vocab.count)
        for (token, id) in vocab {
            if Int(id) >= byID.count { byID += [String?](repeating: nil, count: Int(id) + 1 - byID.count) }
            byID[Int(id)] = token
            ids[token] = id
        }
        var mergeIDs: [(UInt32, UInt32)] = []
        var results: [UInt32] = []
        var ranks = PairTable(capacity: merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let left = ids[a], let right = ids[b] else {
                throw SieveError.failed("merge \(rank) ('\(a) \(b)') uses a token that is not in the vocabulary")
            }
            guard let merged = ids[a + b] else {
                throw SieveError.failed("merge \(rank) ('\(a) \(b)') makes '\(a + b)', which is not in the vocabulary")
            }
            ranks.set(PairTable.key(left, right), Int32(rank))  // a repeated pair: the last rank counts, as in `tokenizers`
            mergeIDs.append((left, right))
            results.append(merged)
        }
        for added in addedTokens where Int(added.id) >= byID.count {
            byID += [String?](repeating: nil, count: Int(added.id) + 1 - byID.count)
        }
        // Bytes of each id: an added token's are its UTF-8 text, a vocabulary token's its byte-level decoding.
        var perID = [[UInt8]?](repeating: nil, count: byID.count)
        var table = ByteTable(capacity: ignoreMerges ? byID.count : 1)
        var byteToken = [Int32](repeating: -1, count: 256)
        for (id, token) in byID.enumerated() {
            guard let token else { continue }
            let decoded = ByteLevel.decode(token)
            perID[id] = decoded ?? Array(token.utf8)
            if let decoded, decoded.count == 1 { byteToken[Int(decoded[0])] = Int32(id) }
        }
        for added in addedTokens { perID[Int(added.id)] = Array(added.content.utf8) }
        var flat: [UInt8] = []
        var offsets = [0]
        var tokenOfEntry: [UInt32] = []
        for (id, raw) in perID.enumerated() {
            flat += raw ?? []
            offsets.append(flat.count)
            if ignoreMerges, byID[id] != nil, let raw, table.insert(raw).inserted { tokenOfEntry.append(UInt32(id)) }
        }
        self.vocab = byID
        self.merges = mergeIDs
        self.addedTokens = addedTokens
        self.addPrefixSpace = addPrefixSpace
        self.ignoreMerges = ignoreMerges
        self.bytes = flat
        self.byteOffsets = offsets
        self.byteToken = byteToken
        self.mergeRanks = ranks
        self.mergeResult = results
        self.tokensByBytes = table
        self.wholeTokenIDs = tokenOfEntry
    }

    /// With `ignoreMerges`: the id of each entry of `tokensByBytes`.
    let wholeTokenIDs: [UInt32]

    /// The id of a token given as text: an added token's content, or a vocabulary string.
    public func id(of token: String) -> UInt32? {
        if let added = addedTokens.first(where: { $0.content == token }) { return added.id }
        return vocab.firstIndex(where: { $0 == token }).map { UInt32($0) }
    }

    /// Bytes that no token stands for alone (they are dropped when encoding, as `tokenizers` does).
    public var missingBytes: [UInt8] { (0..<256).filter { byteToken[$0] < 0 }.map { UInt8($0) } }

    /// The bytes of `ids`, concatenated (ids outside the vocabulary are skipped).
    public func decode(_ ids: some Sequence<UInt32>, into out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { bytes in
            for id in ids where Int(id) < vocabSize {
                let start = byteOffsets[Int(id)], end = byteOffsets[Int(id) + 1]
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            }
        }
    }

    public func decode(_ ids: some Sequence<UInt32>) -> [UInt8] {
        var out: [UInt8] = []
        decode(ids, into: &out)
        return out
    }

    /// Decoded text (invalid UTF-8 shown as U+FFFD).
    public func decodeText(_ ids: some Sequence<UInt32>) -> String { String(decoding: decode(ids), as: UTF8.self) }

    /// The bytes of one token.
    public func tokenBytes(_ id: UInt32) -> ArraySlice<UInt8> {
        Int(id) < vocabSize ? bytes[byteOffsets[Int(id)]..<byteOffsets[Int(id) + 1]] : []
    }
}
