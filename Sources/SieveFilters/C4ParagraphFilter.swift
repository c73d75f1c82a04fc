import SieveCore

/// mC4's paragraph rule (Xue et al. 2021, "mT5", §2; tensorflow_datasets `c4_utils.py`
/// `paragraph_filter`), as datatrove 0.10's `C4ParagraphFilter`: a page needs at least
/// `min_paragraphs` (3) lines (split at `\n`) and its three longest lines must each have at
/// least `min_paragraph_length` (200) code points. Drop reason, verbatim from datatrove:
/// `< 3 paragraphs` (with the configured count).
public struct C4ParagraphFilter: DocumentFilter {
    public var minParagraphs = 3
    public var minParagraphLength = 200

    public init(minParagraphs: Int = 3, minParagraphLength: Int = 200) {
        self.minParagraphs = minParagraphs
        self.minParagraphLength = minParagraphLength
    }

    public func verdict(for doc: Document) -> Verdict {
        let lines = doc.text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        let longest = lines.map { $0.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) } }.sorted(by: >).prefix(3)
        if lines.count < minParagraphs || (longest.min() ?? 0) < minParagraphLength {
            return .drop(reason: "< \(minParagraphs) paragraphs")
        }
        return .keep
    }
}
