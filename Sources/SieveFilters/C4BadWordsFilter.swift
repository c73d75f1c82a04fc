import SieveCore
import SieveIO
import SieveText

/// C4's bad-words page rule (Raffel et al. 2020, JMLR 21, §2.2), as datatrove 0.10's
/// `C4BadWordsFilter`: a page whose lowercased text contains a word of the "List of Dirty,
/// Naughty, Obscene, and Otherwise Bad Words" (LDNOOBW, 28 languages, in `filters/badwords/`)
/// for its language (`metadata.language`, else `default_language`, `en`) is dropped as
/// `document_removed_with_badwords`. A word must stand between non-word characters (Python
/// `re`'s `\W`) or the ends of the text, except in Japanese, Thai and Chinese, which are written
/// without spaces, where any occurrence counts (as mC4 did). Like datatrove, the allow-listed
/// sub-words (`sm`, `グロ`, `女の子`, `性`) are removed from every list.
///
/// Differences from datatrove, on purpose: `keep_fraction` (the share of matching pages kept)
/// draws from a hash of the document id and `seed`, so the same pages are kept however the run is
/// split into tasks; a language without a list keeps its pages (datatrove raises unless
/// `fail_on_missing_language=False`).
public struct C4BadWordsFilter: DocumentFilter {
    public var keepFraction = 0.0
    public var seed: UInt64 = 0
    public var defaultLanguage = "en"
    /// One automaton per language, built when the filter is made.
    let automata: [String: AhoCorasick]

    /// Languages written without spaces between words.
    static let unspaced: Set<String> = ["ja", "th", "zh"]
    /// datatrove's `_BADWORDS_ALLOWLIST`, merged.
    static let allowList: Set<String> = ["sm", "グロ", "女の子", "性"]

    /// Loads every list in `directory` (`<language>.txt`, one word per line).
    public init(directory: String, languages: [String]? = nil) throws {
        var automata: [String: AhoCorasick] = [:]
        for name in try FileSystem.list(directory) where name.hasSuffix(".txt") {
            let language = String(name.dropLast(4))
            guard languages?.contains(language) ?? true else { continue }
            let words = try FileSystem.readText(directory + "/" + name)
                .split(separator: "\n").map { PythonText.strip($0) }
                .filter { !$0.isEmpty && !Self.allowList.contains(String($0)) }
            automata[language] = AhoCorasick(words)
        }
        self.automata = automata
    }

    public func verdict(for doc: Document) -> Verdict {
        var language = defaultLanguage
        if case .string(let l)? = doc.metadata["language"] { language = l }
        guard let automaton = automata[language] else { return .keep }
        var text = doc.text.lowercased()
        let found = text.withUTF8 { bytes in
            Self.unspaced.contains(language)
                ? automaton.contains(in: bytes)
                : automaton.contains(in: bytes) { start, end in
                    Self.isBoundary(bytes, before: start) && Self.isBoundary(bytes, at: end)
                }
        }
        guard found else { return .keep }
        if keepFraction > 0, uniform(doc.id) < keepFraction { return .keep }
        return .drop(reason: "document_removed_with_badwords")
    }

    /// A uniform draw in [0, 1) from the document id and the seed.
    private func uniform(_ id: String) -> Double {
        Double(TextHash.combine(TextHash.of(Substring(id)), seed) >> 11) / Double(1 << 53)
    }

    /// Whether the code point ending at `offset` is not a word character (or there is none).
    static func isBoundary(_ b: UnsafeBufferPointer<UInt8>, before offset: Int) -> Bool {
        guard offset > 0 else { return true }
        var start = offset - 1
        while start > 0, b[start] & 0xC0 == 0x80 { start -= 1 }
        return isBoundary(b, at: start)
    }

    /// Whether the code point starting at `offset` is not a word character (or there is none).
    static func isBoundary(_ b: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset < b.count else { return true }
        var iterator = UnsafeBufferPointer(rebasing: b[offset...]).makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let c) = decoder.decode(&iterator) else { return true }
        return !PythonText.isWordCharacter(c)
    }
}
