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

    public init(language: String = "en") {
        splitter = WordSplitter(language: language)
    }

    public func verdict(for doc: Document) -> Verdict {
        let text = Substring(doc.text)
        guard !text.isEmpty else { return .drop(reason: "empty") }
        let length = Double(text.unicodeScalars.count)

        let paragraphs = PythonText.split(PythonText.strip(text), newlineRunsOf: 2)
        var (dups, chars) = findDuplicates(paragraphs)
        if dupParagraphFraction > 0, Double(dups) / Double(paragraphs.count) > dupParagraphFraction {
            return .drop(reason: "dup_para_frac")
        }
        if dupParagraphCharFraction > 0, Double(chars) / length > dupParagraphCharFraction {
            return .drop(reason: "dup_para_char_frac")
        }
        let lines = PythonText.split(text, newlineRunsOf: 1)
        (dups, chars) = findDuplicates(lines)
        if dupLineFraction > 0, Double(dups) / Double(lines.count) > dupLineFraction { return .drop(reason: "dup_line_frac") }
        if dupLineCharFraction > 0, Double(chars) / length > dupLineCharFraction { return .drop(reason: "dup_line_char_frac") }

        let words = NGramWords(splitter.words(doc.text))
        for (n, fraction) in topNGrams where words.count >= n {
            if Double(words.topNGramCharacters(n)) / length > fraction { return .drop(reason: "top_\(n)_gram") }
        }
        for (n, fraction) in duplicateNGrams {
            if Double(words.repeatedNGramCharacters(n)) / length > fraction { return .drop(reason: "duplicated_\(n)_n_grams") }
        }
        return .keep
    }
}

/// Words reduced to what n-gram counting needs: a polynomial hash of each word's bytes (so that
/// the hash of a concatenation follows from its parts), `base` raised to its byte length, and its
/// length in code points.
struct NGramWords {
    static let base: UInt64 = 0x100_0000_01B3
    private var hashes: [UInt64] = []
    private var powers: [UInt64] = []
    private var lengths: [Int] = []
    var count: Int { hashes.count }

    init(_ words: [Substring]) {
        hashes.reserveCapacity(words.count)
        powers.reserveCapacity(words.count)
        lengths.reserveCapacity(words.count)
        for w in words {
            var h: UInt64 = 0
            var p: UInt64 = 1
            var n = 0
            for b in w.utf8 {
                h = h &* Self.base &+ UInt64(b)
                p = p &* Self.base
                if b & 0xC0 != 0x80 { n += 1 }
            }
            hashes.append(h)
            powers.append(p)
            lengths.append(n)
        }
    }

    /// The hash of words `i..<i+n` concatenated, with `separator` (a byte, or none) between them.
    @inline(__always)
    private func hash(_ i: Int, _ n: Int, separator: UInt8?) -> UInt64 {
        var h = hashes[i]
        for k in (i + 1)..<(i + n) {
            if let separator { h = h &* Self.base &+ UInt64(separator) }
            h = h &* powers[k] &+ hashes[k]
        }
        return h
    }

    @inline(__always)
    private func characters(_ i: Int, _ n: Int) -> Int {
        var c = 0
        for k in i..<(i + n) { c += lengths[k] }
        return c
    }

    /// datatrove's `find_top_duplicate(get_n_grams(words, n))`: the most frequent n-gram (the
    /// first seen among ties, as `Counter.most_common(1)` picks), its length × its count.
    func topNGramCharacters(_ n: Int) -> Int {
        var counts: [UInt64: (count: Int, first: Int)] = [:]
        counts.reserveCapacity(count)
        var best = (count: 0, first: 0)
        for i in 0...(count - n) {
            let key = TextHash.combine(hash(i, n, separator: 0x20), UInt64(truncatingIfNeeded: characters(i, n)))
            var entry = counts[key, default: (0, i)]
            entry.count += 1
            counts[key] = entry
            if entry.count > best.count || (entry.count == best.count && entry.first < best.first) { best = entry }
        }
        return (characters(best.first, n) + n - 1) * best.count
    }

    /// datatrove's `find_all_duplicate(words, n)`: characters in n-grams (joined without spaces)
    /// seen before, the scan jumping over each repeat.
    func repeatedNGramCharacters(_ n: Int) -> Int {
        var seen = Set<UInt64>(minimumCapacity: count)
        var repeated = 0
        var i = 0
        while i < count - n + 1 {
            var key = hash(i, n, separator: nil)
            key = TextHash.combine(key, UInt64(truncatingIfNeeded: characters(i, n)))
            if seen.contains(key) {
                repeated += characters(i, n)
                i += n
            } else {
                seen.insert(key)
                i += 1
            }
        }
        return repeated
    }
}
