import SieveCore
import Testing
@testable import SieveFilters

@Suite struct LengthFilterTests {
    @Test func inclusiveBoundsInCodePointsAndWords() {
        let text = bookLines[0]  // real prose
        let n = text.unicodeScalars.count
        #expect(LengthFilter(minLength: n).verdict(for: document(text)) == .keep)
        #expect(LengthFilter(minLength: n + 1).verdict(for: document(text)) == .drop(reason: "too_short"))
        #expect(LengthFilter(maxLength: n).verdict(for: document(text)) == .keep)
        #expect(LengthFilter(maxLength: n - 1).verdict(for: document(text)) == .drop(reason: "too_long"))
        #expect(LengthFilter(minLength: 2).verdict(for: document("é")) == .drop(reason: "too_short"))  // one code point
        #expect(LengthFilter(minWords: 3).verdict(for: document("Alice was here")) == .keep)
        #expect(LengthFilter(minWords: 4).verdict(for: document("Alice was here")) == .drop(reason: "too_few_words"))
        #expect(LengthFilter(maxWords: 2).verdict(for: document("Alice was here")) == .drop(reason: "too_many_words"))
    }
}
