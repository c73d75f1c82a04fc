import SieveCore
import Testing
@testable import SieveFilters

@Suite struct C4ParagraphFilterTests {
    @Test func agreesWithDatatroveOnRealDocuments() {
        let (checked, verdicts, mismatches) = checkAgainstDatatrove(C4ParagraphFilter(), name: "c4_paragraph")
        #expect(checked >= 50)
        #expect(verdicts == [.keep, .drop(reason: "< 3 paragraphs")])
        #expect(mismatches == [])
    }

    @Test func threeLinesOf200CharactersBoundary() {
        let f = C4ParagraphFilter()
        let text = bookLines.joined(separator: " ")
        let long = String(text.unicodeScalars.prefix(200))
        let short = String(text.unicodeScalars.prefix(199))
        #expect(f.verdict(for: document([long, long, long, "x"].joined(separator: "\n"))) == .keep)
        #expect(f.verdict(for: document([long, long, short, "x"].joined(separator: "\n"))) == .drop(reason: "< 3 paragraphs"))
        #expect(f.verdict(for: document([long, long].joined(separator: "\n"))) == .drop(reason: "< 3 paragraphs"))
    }
}
