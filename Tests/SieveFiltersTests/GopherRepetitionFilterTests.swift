import SieveCore
import Testing
@testable import SieveFilters

@Suite struct GopherRepetitionFilterTests {
    func bare() -> GopherRepetitionFilter {
        var f = GopherRepetitionFilter()
        (f.dupLineFraction, f.dupParagraphFraction, f.dupLineCharFraction, f.dupParagraphCharFraction) = (0, 0, 0, 0)
        (f.topNGrams, f.duplicateNGrams) = ([], [])
        return f
    }

    @Test func agreesWithDatatroveOnRealDocuments() {
        let (checked, verdicts, mismatches) = checkAgainstDatatrove(GopherRepetitionFilter(), name: "gopher_repetition")
        #expect(checked >= 50)
        #expect(verdicts.count >= 10)
        #expect(mismatches == [])
    }

    @Test func duplicateLineBoundaries() {
        var f = bare()
        f.dupLineFraction = 0.3
        let lines = Array(bookLines.prefix(10))
        // 10 lines of which 3 repeat an earlier one: 3/10 is not above 0.3.
        let three = (lines.prefix(7) + lines.prefix(3)).joined(separator: "\n")
        let four = (lines.prefix(6) + lines.prefix(4)).joined(separator: "\n")
        #expect(f.verdict(for: document(three)) == .keep)
        #expect(f.verdict(for: document(four)) == .drop(reason: "dup_line_frac"))
        #expect(bare().verdict(for: document("")) == .drop(reason: "empty"))
    }

    @Test func duplicateParagraphCharacters() {
        var f = bare()
        f.dupParagraphCharFraction = 0.2
        let paragraphs = Array(bookLines.prefix(8))
        let repeated = (paragraphs + [paragraphs[0], paragraphs[1], paragraphs[2]]).joined(separator: "\n\n")
        #expect(f.verdict(for: document(paragraphs.joined(separator: "\n\n"))) == .keep)
        #expect(f.verdict(for: document(repeated)) == .drop(reason: "dup_para_char_frac"))
    }

    @Test func nGramRules() {
        var f = bare()
        f.topNGrams = [(2, 0.2)]
        #expect(f.verdict(for: document(String(repeating: "buy now ", count: 30))) == .drop(reason: "top_2_gram"))
        #expect(f.verdict(for: document(bookLines.prefix(10).joined(separator: " "))) == .keep)
        f = bare()
        f.duplicateNGrams = [(5, 0.15)]
        let line = bookLines[0]
        #expect(f.verdict(for: document(line + " " + line)) == .drop(reason: "duplicated_5_n_grams"))
        #expect(f.verdict(for: document(bookLines.prefix(10).joined(separator: " "))) == .keep)
    }

    @Test func nGramCountsMatchDatatroveDefinitions() {
        // find_all_duplicate skips n words after a repeat; find_top_duplicate joins with spaces.
        let words = NGramWords(["a", "b", "a", "b", "a", "b"].map { Substring($0) })
        #expect(words.topNGramCharacters(2) == 3 * 3)  // "a b" three times
        #expect(words.repeatedNGramCharacters(2) == 4)  // "ab" at 2 (skip to 4), "ab" at 4
        let joined = NGramWords(["ab", "c", "a", "bc"].map { Substring($0) })
        #expect(joined.repeatedNGramCharacters(2) == 3)  // "abc" == "abc" without spaces
    }
}
