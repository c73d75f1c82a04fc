import SieveCore
import Testing
@testable import SieveFilters

@Suite struct C4BadWordsFilterTests {
    let filter = try! C4BadWordsFilter(directory: packageRoot + "/filters/badwords")

    @Test func agreesWithDatatroveOnRealDocuments() {
        let (checked, verdicts, mismatches) = checkAgainstDatatrove(filter, name: "c4_badwords")
        #expect(checked >= 50)
        #expect(verdicts.count == 2)
        #expect(mismatches == [])
    }

    @Test func wordBoundariesExceptInLanguagesWithoutSpaces() {
        #expect(filter.automata.count == 28)
        let prose = bookLines.prefix(3).joined(separator: "\n")
        #expect(filter.verdict(for: document(prose)) == .keep)
        #expect(filter.verdict(for: document(prose + " Nude.")) == .drop(reason: "document_removed_with_badwords"))
        #expect(filter.verdict(for: document(prose + " denuded")) == .keep)  // inside a word
        #expect(filter.verdict(for: document("Ein Text über nichts.", language: "de")) == .keep)
        #expect(filter.verdict(for: document("这是一个色情网站", language: "zh")) == .drop(reason: "document_removed_with_badwords"))
        #expect(filter.verdict(for: document("男性", language: "zh")) == .keep)  // 性 is allow-listed
        #expect(filter.verdict(for: document("nude", language: "xx")) == .keep)  // no list for the language
    }

    @Test func keepFractionIsDeterministicPerDocument() {
        var f = filter
        f.keepFraction = 0.5
        let docs = (0..<200).map { Document(id: "d\($0)", text: "nude") }
        let kept = docs.filter { f.verdict(for: $0) == .keep }.count
        #expect(kept > 60 && kept < 140)
        #expect(docs.map { f.verdict(for: $0) } == docs.map { f.verdict(for: $0) })
    }
}
