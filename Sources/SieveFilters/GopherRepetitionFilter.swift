import SieveCore
import SieveText

/// Gopher's repetition rules (Rae et al. 2021, arXiv:2112.11446, table A1), with datatrove 0.10's
/// `GopherRepetitionFilter` semantics, defaults and drop reasons. Fractions of characters are of
/// `len(text)` in code points; every comparison is strict (`>`):
///
/// | rule | default | reason |
/// |---|---|---|
/// | duplicate paragraphs (split at `\n\n+`) / paragraphs | 0.30 | `dup_para_frac` |
/// | characters in duplicate paragraphs | 0.20 | `dup_para_char_frac` |
/// | duplicate lines (split at `\n+`) / lines | 0.30 | `dup_line_frac` |
/// | characters in duplicate lines | 0.20 | `dup_line_char_frac` |
/// | most frequent 2-, 3-, 4-gram: its length × its count | 0.20, 0.18, 0.16 | `top_{n}_gram` |
/// | characters in repeated 5- … 10-grams | 0.15 … 0.10 | `duplicated_{n}_n_grams` |
///
/// As in datatrove, a top n-gram is the words joined by spaces (its length counts them) and a
/// repeated n-gram the words joined without them, and a repeated n-gram's scan skips its n words.
/// An empty text is dropped as `empty`. N-grams are compared by 64-bit hashes of their bytes.
public struct GopherRepetitionFilter: DocumentFilter {
    public var dupLineFraction = 0.3
    public var dupParagraphFraction = 0.3
    public var dupLineCharFraction = 0.2
    public var dupParagraphCharFraction = 0.2
    public var topNGrams: [(n: Int, fraction: Double)] = [(2, 0.2), (3, 0.18), (4, 0.16)]
    public var duplicateNGrams: [(n: Int, fraction: Double)] = [(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)]
    let splitter: WordSplitter
    let table = HashCounter()

    public init(language: String = "en") {
        splitter = WordSplitter(language: language)
    }

    public func verdict(for doc: Document) -> Verdict {
        let text = Substring(doc.text)
        guard !text.isEmpty else { return .drop(reason: "empty") }
        let length = Double(PythonText.length(text))

        let paragraphs = PythonText.split(PythonText.strip(text), newlineRunsOf: 2)
        var (dups, chars) = findDuplicates(paragraphs, table: table)
        if dupParagraphFraction > 0, Double(dups) / Double(paragraphs.count) > dupParagraphFraction {
            return .drop(reason: "dup_para_frac")
        }
        if dupParagraphCharFraction > 0, Double(chars) / length > dupParagraphCharFraction {
            return .drop(reason: "dup_para_char_frac")
        }
        let lines = PythonText.split(text, newlineRunsOf: 1)
        (dups, chars) = findDuplicates(lines, table: table)
        if dupLineFraction > 0, Double(dups) / Double(lines.count) > dupLineFraction { return .drop(reason: "dup_line_frac") }
        if dupLineCharFraction > 0, Double(chars) / length > dupLineCharFraction { return .drop(reason: "dup_line_char_frac") }

        let words = NGramWords(splitter.words(doc.text), table: table)
        for (n, fraction) in topNGrams where words.count >= n {
            if Double(words.topNGramCharacters(n)) / length > fraction { return .drop(reason: "top_\(n)_gram") }
        }
        for (n, fraction) in duplicateNGrams {
            if Double(words.repeatedNGramCharacters(n)) / length > fraction { return .drop(reason: "duplicated_\(n)_n_grams") }
        }
        return .keep
    }
}

/// Words reduced to what n-gram counting needs, as prefix sums so that any window costs O(1):
/// polynomial hashes (base B, odd, so B is invertible modulo 2⁶⁴) of the words concatenated
/// without separators and with a space after each, and code-point lengths. The hash of words
/// `i..<j` joined is `P[j] − P[i]·B^(bytes(i..<j))`, with `B^(bytes(i..<j)) = Q[j]·Qinv[i]`.
struct NGramWords {
    static let base: UInt64 = 0x100_0000_01B3
    /// B⁻¹ modulo 2⁶⁴ (Newton's iteration: each step doubles the correct low bits).
    static let inverseBase: UInt64 = {
        var x: UInt64 = base
        for _ in 0..<6 { x = x &* (2 &- base &* x) }
        return x
    }()

    private var plain: [UInt64] = [0]      // P over "w0w1…"
    private var spaced: [UInt64] = [0]     // P over "w0 w1 … "
    private var power: [UInt64] = [1]      // Q: B^(bytes so far), without spaces
    private var inverse: [UInt64] = [1]    // Qinv
    private var spacedPower: [UInt64] = [1]
    private var spacedInverse: [UInt64] = [1]
    private var length: [Int] = [0]        // code points so far
    private let table: HashCounter
    var count: Int { length.count - 1 }

    init(_ words: [Substring], table: HashCounter = HashCounter()) {
        self.table = table
        for array in [\NGramWords.plain, \.spaced, \.power, \.inverse] { self[keyPath: array].reserveCapacity(words.count + 1) }
        length.reserveCapacity(words.count + 1)
        var (p, s, q, qi, n) = (UInt64(0), UInt64(0), UInt64(1), UInt64(1), 0)
        func add<C: Collection<UInt8>>(_ bytes: C) {
            for b in bytes {
                p = p &* Self.base &+ UInt64(b)
                s = s &* Self.base &+ UInt64(b)
                q = q &* Self.base
                qi = qi &* Self.inverseBase
                if b & 0xC0 != 0x80 { n += 1 }
            }
        }
        for w in words {
            if w.utf8.withContiguousStorageIfAvailable(add) == nil { add(w.utf8) }
            s = s &* Self.base &+ 0x20
            plain.append(p)
            spaced.append(s)
            power.append(q)
            inverse.append(qi)
            length.append(n)
        }
        // With a space after each word, the byte count up to word j is bytes(j) + j.
        spacedPower = [UInt64](repeating: 1, count: power.count)
        spacedInverse = [UInt64](repeating: 1, count: power.count)
        var bj: UInt64 = 1
        var bji: UInt64 = 1
        for j in 0..<power.count {
            spacedPower[j] = power[j] &* bj
            spacedInverse[j] = inverse[j] &* bji
            bj = bj &* Self.base
            bji = bji &* Self.inverseBase
        }
    }

    @inline(__always)
    private func characters(_ i: Int, _ n: Int) -> Int { length[i + n] - length[i] }

    /// The hash of words `i..<i+n` concatenated, and of them joined by spaces.
    @inline(__always)
    private func hash(_ i: Int, _ n: Int) -> UInt64 {
        plain[i + n] &- plain[i] &* (power[i + n] &* inverse[i])
    }

    @inline(__always)
    private func spacedHash(_ i: Int, _ n: Int) -> UInt64 {
        let withTrailingSpace = spaced[i + n] &- spaced[i] &* (spacedPower[i + n] &* spacedInverse[i])
        return (withTrailingSpace &- 0x20) &* Self.inverseBase
    }

    /// datatrove's `find_top_duplicate(get_n_grams(words, n))`: the most frequent n-gram (the
    /// first seen among ties, as `Counter.most_common(1)` picks), its length × its count.
    func topNGramCharacters(_ n: Int) -> Int {
        table.reset(capacity: count)
        var best = (count: 0, first: 0)
        for i in 0...(count - n) {
            let key = TextHash.combine(spacedHash(i, n), UInt64(truncatingIfNeeded: characters(i, n)))
            let entry = table.add(key, at: i)
            if entry.count > best.count || (entry.count == best.count && entry.first < best.first) { best = entry }
        }
        return (characters(best.first, n) + n - 1) * best.count
    }

    /// datatrove's `find_all_duplicate(words, n)`: characters in n-grams (joined without spaces)
    /// seen before, the scan jumping over each repeat.
    func repeatedNGramCharacters(_ n: Int) -> Int {
        table.reset(capacity: count)
        var repeated = 0
        var i = 0
        while i < count - n + 1 {
            let characters = characters(i, n)
            let key = TextHash.combine(hash(i, n), UInt64(truncatingIfNeeded: characters))
            if table.contains(key) {
                repeated += characters
                i += n
            } else {
                table.add(key, at: i)
                i += 1
            }
        }
        return repeated
    }
}
