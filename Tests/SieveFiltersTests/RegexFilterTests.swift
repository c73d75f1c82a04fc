import SieveCore
import Testing
@testable import SieveFilters

@Suite struct RegexFilterTests {
    @Test func dropsWhenTheExpressionMatchesAnywhere() throws {
        let f = try RegexFilter(pattern: #"(?i)\bwhite rabbit\b"#)
        #expect(f.verdict(for: document(bookLines.joined(separator: "\n"))) == .drop(reason: "regex"))
        #expect(f.verdict(for: document(bookLines[0])) == .keep)
        #expect(throws: (any Error).self) { try RegexFilter(pattern: "(unclosed") }
    }
}
