/// The scorer's word splitting and hashing, shared by the skip-gram embeddings and the linear
/// scorer so that training and scoring see exactly the same tokens.
///
/// A word is a maximal run of letters and digits (Unicode `Alphabetic` or a decimal digit, plus
/// marks inside a word); ASCII letters are lowercased, other scripts are kept as written (case
/// folding them would cost a table lookup per character for little gain in a bag-of-words model).
/// Hashes are 64-bit FNV-1a over UTF-8 bytes, as fastText hashes words and n-grams
/// (Bojanowski et al. 2017, "Enriching Word Vectors with Subword Information").
public enum Words {
    public static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    public static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = fnvOffset) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* fnvPrime }
        return h
    }

    /// A bucket in 0..<n from a hash (Lemire's multiply-shift range reduction: no division).
    @inline(__always)
    public static func bucket(_ h: UInt64, _ n: Int) -> Int { Int(truncatingIfNeeded: ((h >> 32) &* UInt64(n)) >> 32) }

    /// Mixes two hashes (a word bigram, a phrase) into one.
    @inline(__always)
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var h = a &* 0x9e37_79b9_7f4a_7c15 ^ b
        h ^= h >> 29
        return h &* 0xbf58_476d_1ce4_e5b9
    }

    /// Calls `body` with the lowercased UTF-8 bytes of each word of `text`, in order, stopping
    /// after `limit` words. `buffer` is scratch space reused between calls.
    public static func forEach(
        in text: String, limit: Int = .max, buffer: inout [UInt8],
        _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var text = text
        var count = 0
        buffer.removeAll(keepingCapacity: true)
        text.withUTF8 { utf8 in
            var k = 0
            let n = utf8.count
            func flush() {
                guard !buffer.isEmpty else { return }
                buffer.withUnsafeBufferPointer(body)
                buffer.removeAll(keepingCapacity: true)
                count += 1
            }
            while k < n, count < limit {
                let b = utf8[k]
                if b < 0x80 {
                    k += 1
                    switch b {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): buffer.append(b)
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): buffer.append(b | 0x20)
                    default: flush()
                    }
                    continue
                }
                let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
                guard k + length <= n else { k = n; break }
                var value = UInt32(b) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
                for j in 1..<max(length, 1) { value = value << 6 | UInt32(utf8[k + j] & 0x3F) }
                let isWordPart: Bool
                if (0x2000...0x206F).contains(value) || (0x3000...0x303F).contains(value) {
                    isWordPart = false  // general and CJK punctuation, spaces: common, and no lookup
                } else if length > 1, let scalar = Unicode.Scalar(value) {
                    let p = scalar.properties
                    isWordPart = p.isAlphabetic || p.numericType == .decimal
                        || (!buffer.isEmpty && (p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark))
                } else {
                    isWordPart = false
                }
                if isWordPart {
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[k..<(k + length)]))
                } else {
                    flush()
                }
                k += length
            }
            if count < limit { flush() }
        }
    }

    /// Calls `body` with the hash of each character n-gram (`minN`...`maxN` characters) of
    /// `<word>`, fastText's subwords (a short word's whole `<word>` is one of them, as in fastText).
    @inline(__always)
    public static func forEachNgram(
        of word: UnsafeBufferPointer<UInt8>, minN: Int, maxN: Int, scratch: inout [UInt8],
        _ body: (UInt64) -> Void
    ) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(UInt8(ascii: "<"))
        scratch.append(contentsOf: word)
        scratch.append(UInt8(ascii: ">"))
        scratch.withUnsafeBufferPointer { w in
            let n = w.count
            var i = 0
            while i < n {
                // n-grams start on a character, not inside a UTF-8 sequence (as fastText does).
                if w[i] & 0xC0 == 0x80 { i += 1; continue }
                var h = fnvOffset
                var j = i
                var chars = 0
                while j < n, chars < maxN {
                    h = (h ^ UInt64(w[j])) &* fnvPrime
                    j += 1
                    while j < n, w[j] & 0xC0 == 0x80 {
                        h = (h ^ UInt64(w[j])) &* fnvPrime
                        j += 1
                    }
                    chars += 1
                    if chars >= minN, !(chars == 1 && (i == 0 || j == n)) { body(h) }
                }
                i += 1
            }
        }
    }
}
