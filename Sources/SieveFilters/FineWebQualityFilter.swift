import SieveCore
import SieveText

/// FineWeb's own rules (Penedo et al. 2024, "The FineWeb Datasets", §3.3), as datatrove 0.10's
/// `FineWebQualityFilter`, over the non-blank lines (split at `\n`):
///
/// | rule | default | reason |
/// |---|---|---|
/// | no non-blank line | | `empty` |
/// | lines ending in terminal punctuation / lines < `line_punct_thr` (unless 0 and `line_punct_exclude_zero`) | 0.12 | `line_punct_ratio` |
/// | lines of at most `short_line_length` (30) code points / lines > `short_line_thr` | 0.67 | `short_line_ratio` |
/// | characters in duplicate lines / characters outside newlines > `char_duplicates_ratio` | 0.01 | `char_dup_ratio` |
/// | newlines / words > `new_line_ratio` | 0.3 | `list_ratio` |
///
/// Terminal punctuation is datatrove's `TERMINAL_PUNCTUATION` (the line's last code point, not
/// stripped). A text with newlines but no words is dropped as `list_ratio` (datatrove divides by zero).
public struct FineWebQualityFilter: DocumentFilter {
    public var linePunctuationThreshold = 0.12
    public var linePunctuationExcludeZero = false
    public var stopCharacters = Punctuation.terminal
    public var shortLineThreshold = 0.67
    public var shortLineLength = 30
    public var charDuplicatesRatio = 0.01
    public var newLineRatio = 0.3
    let splitter: WordSplitter
    let table = HashCounter()

    public init(language: String = "en") {
        splitter = WordSplitter(language: language)
    }

    public func verdict(for doc: Document) -> Verdict {
        let text = Substring(doc.text)
        let lines = PythonText.split(text, newlineRunsOf: 1).filter { !PythonText.strip($0).isEmpty }
        guard !lines.isEmpty else { return .drop(reason: "empty") }
        let n = Double(lines.count)

        let punctuated = lines.count { $0.unicodeScalars.last.map(stopCharacters.contains) ?? false }
        let ratio = Double(punctuated) / n
        if ratio < linePunctuationThreshold, !(ratio == 0 && linePunctuationExcludeZero) {
            return .drop(reason: "line_punct_ratio")
        }
        if Double(lines.count { PythonText.length($0) <= shortLineLength }) / n > shortLineThreshold {
            return .drop(reason: "short_line_ratio")
        }
        let newlines = PythonText.count(byte: 0x0A, in: text)
        let characters = PythonText.length(text) - newlines
        if Double(findDuplicates(lines, table: table).characters) / Double(characters) > charDuplicatesRatio {
            return .drop(reason: "char_dup_ratio")
        }
        let words = splitter.words(doc.text).count
        if words == 0 ? newlines > 0 : Double(newlines) / Double(words) > newLineRatio {
            return .drop(reason: "list_ratio")
        }
        return .keep
    }
}
