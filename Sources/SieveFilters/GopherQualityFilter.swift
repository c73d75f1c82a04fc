import SieveCore
import SieveText

/// Gopher's quality rules (Rae et al. 2021, "Scaling Language Models: Methods, Analysis & Insights
/// from Training Gopher", arXiv:2112.11446, appendix A.1.1), with datatrove 0.10's
/// `GopherQualityFilter` semantics, defaults and drop reasons:
///
/// | rule | default | reason |
/// |---|---|---|
/// | words that are not only punctuation < `min_doc_words` | 50 | `gopher_short_doc` |
/// | … > `max_doc_words` | 100 000 | `gopher_long_doc` |
/// | their mean length (code points) < `min_avg_word_length` | 3 | `gopher_below_avg_threshold` |
/// | … > `max_avg_word_length` | 10 | `gopher_above_avg_threshold` |
/// | `#` per word > `max_symbol_word_ratio` | 0.1 | `gopher_too_many_hashes` |
/// | `...` and `…` per word > `max_symbol_word_ratio` | 0.1 | `gopher_too_many_ellipsis` |
/// | lines starting with `•` or `-` > `max_bullet_lines_ratio` | 0.9 | `gopher_too_many_bullets` |
/// | lines ending with `...` or `…` > `max_ellipsis_lines_ratio` | 0.3 | `gopher_too_many_end_ellipsis` |
/// | words with a letter < `max_non_alpha_words_ratio` | 0.8 | `gopher_below_alpha_threshold` |
/// | distinct stop words < `min_stop_words` | 2 | `gopher_enough_stop_words` |
///
/// Ratios are strict comparisons, as in datatrove; a threshold of 0 disables its rule. Stop words
/// are matched case-sensitively (`The` is not `the`), as datatrove does.
public struct GopherQualityFilter: DocumentFilter {
    public var minDocWords = 50
    public var maxDocWords = 100_000
    public var minAvgWordLength = 3.0
    public var maxAvgWordLength = 10.0
    public var maxSymbolWordRatio = 0.1
    public var maxBulletLinesRatio = 0.9
    public var maxEllipsisLinesRatio = 0.3
    public var maxNonAlphaWordsRatio = 0.8
    public var minStopWords = 2
    /// Gopher's stop words (datatrove's `STOP_WORDS`).
    public static let defaultStopWords = ["the", "be", "to", "of", "and", "that", "have", "with"]
    let stopWords: [UInt64]
    let longestStopWord: Int
    let splitter: WordSplitter

    public init(language: String = "en", stopWords: [String] = defaultStopWords) {
        splitter = WordSplitter(language: language)
        self.stopWords = Array(Set(stopWords.map { TextHash.of(Substring($0)) }))
        longestStopWord = stopWords.map(\.utf8.count).max() ?? 0
    }

    public func verdict(for doc: Document) -> Verdict {
        let text = doc.text
        let words = splitter.words(text)
        let nWords = Double(words.count)

        var nonSymbolWords = 0
        var nonSymbolLength = 0
        var alphaWords = 0
        for w in words {
            var nonSymbol = false
            var alpha = false
            var length = 0
            for c in w.unicodeScalars {
                length += 1
                if !nonSymbol, !Punctuation.isPunctuation(c) { nonSymbol = true }
                if !alpha, PythonText.isAlpha(c) { alpha = true }
            }
            if nonSymbol { nonSymbolWords += 1; nonSymbolLength += length }
            if alpha { alphaWords += 1 }
        }
        if minDocWords > 0, nonSymbolWords < minDocWords { return .drop(reason: "gopher_short_doc") }
        if maxDocWords > 0, nonSymbolWords > maxDocWords { return .drop(reason: "gopher_long_doc") }

        if nonSymbolWords > 0 {  // numpy's mean of nothing is NaN, which fails no comparison
            let mean = Double(nonSymbolLength) / Double(nonSymbolWords)
            if minAvgWordLength > 0, mean < minAvgWordLength { return .drop(reason: "gopher_below_avg_threshold") }
            if maxAvgWordLength > 0, mean > maxAvgWordLength { return .drop(reason: "gopher_above_avg_threshold") }
        }
        guard nWords > 0 else { return .keep }

        if maxSymbolWordRatio > 0 {
            if Double(PythonText.count("#", in: text)) / nWords > maxSymbolWordRatio {
                return .drop(reason: "gopher_too_many_hashes")
            }
            let ellipses = PythonText.count("...", in: text) + PythonText.count("…", in: text)
            if Double(ellipses) / nWords > maxSymbolWordRatio { return .drop(reason: "gopher_too_many_ellipsis") }
        }

        let lines = PythonText.splitLines(Substring(text))
        if !lines.isEmpty {
            var bullets = 0
            var ellipsisEnds = 0
            for line in lines {
                let stripped = PythonText.strip(line)
                if PythonText.startsWith(stripped, "•") || PythonText.startsWith(stripped, "-") { bullets += 1 }
                if PythonText.endsWith(stripped, "...") || PythonText.endsWith(stripped, "…") { ellipsisEnds += 1 }
            }
            let n = Double(lines.count)
            if maxBulletLinesRatio > 0, Double(bullets) / n > maxBulletLinesRatio { return .drop(reason: "gopher_too_many_bullets") }
            if maxEllipsisLinesRatio > 0, Double(ellipsisEnds) / n > maxEllipsisLinesRatio {
                return .drop(reason: "gopher_too_many_end_ellipsis")
            }
        }

        if maxNonAlphaWordsRatio > 0, Double(alphaWords) / nWords < maxNonAlphaWordsRatio {
            return .drop(reason: "gopher_below_alpha_threshold")
        }
        if minStopWords > 0 {
            var found: [UInt64] = []
            for w in words where w.utf8.count <= longestStopWord {
                let h = TextHash.of(w)
                guard stopWords.contains(h), !found.contains(h) else { continue }
                found.append(h)
                if found.count >= minStopWords { break }
            }
            if found.count < minStopWords { return .drop(reason: "gopher_enough_stop_words") }
        }
        return .keep
    }
}
