import SieveCore
import Testing
@testable import SieveFilters

@Suite struct C4QualityFilterTests {
    /// As FineWeb runs it: without the terminal-punctuation rule (datatrove's verdicts in the
    /// fixtures were computed so).
    func fineWebC4() -> C4QualityFilter {
        var f = C4QualityFilter()
        f.filterNoTerminalPunctuation = false
        return f
    }

    @Test func agreesWithDatatroveOnRealDocuments() {
        let (checked, verdicts, mismatches) = checkAgainstDatatrove(fineWebC4(), name: "c4_quality")
        #expect(checked >= 50)
        #expect(verdicts.count >= 3)
        #expect(mismatches == [])
    }

    @Test func sentenceBoundaryAndLineRules() {
        let f = C4QualityFilter()
        // Five sentences of real prose on kept lines: kept; four: too few.
        let five = "Alice was tired. She had nothing to do. The book had no pictures. It was hot. She felt sleepy."
        let four = "Alice was tired. She had nothing to do. The book had no pictures. It was hot."
        #expect(f.verdict(for: document(five)) == .keep)
        #expect(f.verdict(for: document(four)) == .drop(reason: "too_few_sentences"))
        var doc = document(five + "\nPlease enable JavaScript to view this page.\nMenu\nSee our privacy policy for details.")
        #expect(f.filter(&doc) == .keep)
        #expect(doc.text == five)
        #expect(f.verdict(for: document(five + "\nLorem ipsum dolor sit amet.")) == .drop(reason: "lorem_ipsum"))
        #expect(f.verdict(for: document(five + "\nfunction f() { return 1; }")) == .keep)  // no terminal punctuation: line dropped first
        #expect(f.verdict(for: document(five + "\nThe code is f() { return 1; }.")) == .drop(reason: "curly_bracket"))
    }

    @Test func terminalPunctuationAndCitations() {
        let f = C4QualityFilter()
        var doc = document(bookLines.prefix(12).joined(separator: "\n") + "\nThe rabbit ran.[1] Alice followed it.[citation needed] Then it was gone. It was late. She was lost. Home was far.")
        #expect(f.filter(&doc) == .keep)
        #expect(doc.text == "The rabbit ran. Alice followed it. Then it was gone. It was late. She was lost. Home was far.")
        #expect(C4QualityFilter.removingCitations("a[12] b[edit] c[x]") == "a b c[x]")
    }
}
