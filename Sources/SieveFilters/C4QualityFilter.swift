import SieveCore
import SieveText

/// C4's line and page rules (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a
/// Unified Text-to-Text Transformer", JMLR 21, §2.2; tensorflow_datasets `c4_utils.py`), with
/// datatrove 0.10's `C4QualityFilter` semantics and defaults. Each line (`str.splitlines`,
/// stripped) is dropped if it has a word (whitespace-separated) longer than `max_word_length`
/// (1000) code points, if it does not end in `.` `?` `!` `"` `'` or ends in `...` (only with
/// `filter_no_terminal_punct`, default true; FineWeb turns it off), if it has fewer than
/// `min_words_per_line` (3) words, if it mentions `javascript`, or a cookie or terms-of-use phrase.
/// Wikipedia citation marks (`[1]`, `[edit]`, `[citation needed]`) are removed first. The page is
/// dropped if a kept line contains `lorem ipsum` (`lorem_ipsum`) or `{` (`curly_bracket`), or if
/// the kept lines hold fewer than `min_num_sentences` (5) sentences (`too_few_sentences`; spaCy's
/// sentencizer rule, see `TextSplitting.sentenceCount`). A kept page's text becomes its kept
/// lines joined by newlines. A value of -1 disables `min_num_sentences`, `min_words_per_line`
/// and `max_word_length`, as in datatrove.
public struct C4QualityFilter: DocumentFilter {
    public var removeCitations = true
    public var filterNoTerminalPunctuation = true
    public var minSentences = 5
    public var minWordsPerLine = 3
    public var maxWordLength = 1000
    public var filterLoremIpsum = true
    public var filterJavascript = true
    public var filterCurlyBracket = true
    public var filterPolicy = true
    let splitter: WordSplitter

    /// datatrove's `POLICY_SUBSTRINGS`.
    static let policySubstrings = ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"]
    /// The phrases looked for in a lowercased line, all in one pass.
    static let phrases = AhoCorasick(["lorem ipsum", "javascript"] + policySubstrings)

    public init(language: String = "en") {
        splitter = WordSplitter(language: language)
    }

    public func verdict(for doc: Document) -> Verdict {
        var doc = doc
        return filter(&doc)
    }

    public func filter(_ doc: inout Document) -> Verdict {
        var sentences = 0
        var kept: [Substring] = []
        for raw in PythonText.splitLines(Substring(doc.text)) {
            var line = PythonText.strip(raw)
            let words = PythonText.splitWhitespace(line)
            if maxWordLength != -1, words.contains(where: { PythonText.length($0) > maxWordLength }) { continue }
            if removeCitations { line = Self.removingCitations(line) }
            if filterNoTerminalPunctuation {
                guard let last = line.unicodeScalars.last, [".", "?", "!", "\"", "'"].contains(last),
                      !PythonText.endsWith(line, "...") else { continue }
            }
            if words.count < minWordsPerLine { continue }
            let (lorem, javascript, policy) = Self.findPhrases(line)
            if filterLoremIpsum, lorem { return .drop(reason: "lorem_ipsum") }
            if filterJavascript, javascript { continue }
            if filterCurlyBracket, line.utf8.contains(0x7B) { return .drop(reason: "curly_bracket") }
            if filterPolicy, policy { continue }
            if minSentences != -1, sentences < minSentences {  // once enough, more cannot change the verdict
                sentences += TextSplitting.sentenceCount(splitter.words(String(line)))
            }
            kept.append(line)
        }
        if sentences < minSentences { return .drop(reason: "too_few_sentences") }
        doc.text = String(PythonText.strip(Substring(kept.joined(separator: "\n"))))
        return .keep
    }

    /// Which of `lorem ipsum`, `javascript` and the policy phrases occur in `line.lower()`.
    static func findPhrases(_ line: Substring) -> (lorem: Bool, javascript: Bool, policy: Bool) {
        var found = (lorem: false, javascript: false, policy: false)
        func search(_ bytes: UnsafeBufferPointer<UInt8>) {
            _ = phrases.contains(in: bytes) { start, _ in
                switch bytes[start] {
                case 0x6C: found.lorem = true
                case 0x6A: found.javascript = true
                default: found.policy = true
                }
                return false
            }
        }
        if line.utf8.allSatisfy({ $0 < 0x80 }) {
            var lower = Array(line.utf8)
            for k in lower.indices where lower[k] >= 0x41 && lower[k] <= 0x5A { lower[k] |= 0x20 }
            lower.withUnsafeBufferPointer(search)
        } else {
            var lower = line.lowercased()  // Python's str.lower(): full Unicode case mapping
            lower.withUTF8(search)
        }
        return found
    }

    /// The line without `CITATION_REGEX` matches: `\[\d*]|\[edit]|\[citation needed]`.
    static func removingCitations(_ line: Substring) -> Substring {
        guard line.utf8.contains(0x5B) else { return line }
        var out = ""
        var rest = line
        while let open = rest.firstIndex(of: "[") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "]"),
               after[..<close].unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal }) {
                rest = after[after.index(after: close)...]
            } else if after.hasPrefix("edit]") {
                rest = after.dropFirst(5)
            } else if after.hasPrefix("citation needed]") {
                rest = after.dropFirst(16)
            } else {
                out += "["
                rest = after
            }
        }
        out += rest
        return Substring(out)
    }
}
