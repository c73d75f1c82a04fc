import SieveCore
import Testing
@testable import SieveFilters

@Suite struct FineWebQualityFilterTests {
    @Test func agreesWithDatatroveOnRealDocuments() {
        let (checked, verdicts, mismatches) = checkAgainstDatatrove(FineWebQualityFilter(), name: "fineweb_quality")
        #expect(checked >= 50)
        #expect(verdicts.count == 6)
        #expect(mismatches == [])
    }

    @Test func linePunctuationBoundary() {
        var f = FineWebQualityFilter()
        (f.shortLineThreshold, f.charDuplicatesRatio, f.newLineRatio) = (1, 1, 1e9)
        f.linePunctuationThreshold = 0.25
        // 4 lines of real prose (none ends in punctuation), one of them ending in a full stop: 1/4.
        let lines = bookLines.prefix(4).map { $0.trimmingCharacters(in: ".,;:!?") }
        #expect(f.verdict(for: document((lines.dropLast() + [lines[3] + "."]).joined(separator: "\n"))) == .keep)
        #expect(f.verdict(for: document(lines.joined(separator: "\n"))) == .drop(reason: "line_punct_ratio"))
        #expect(f.verdict(for: document(" \n\n\t\n")) == .drop(reason: "empty"))
    }

    @Test func shortLineAndListBoundaries() {
        var f = FineWebQualityFilter()
        (f.linePunctuationThreshold, f.charDuplicatesRatio, f.newLineRatio) = (0, 1, 1e9)
        let long = Array(bookLines.prefix(3))
        let short = ["Chapter One.", "Down the hole.", "A tea party.", "Who stole tarts?", "Alice!", "The end."]
        // 6 short of 9 lines: 0.667 ≤ 0.67; 7 of 10: 0.7.
        #expect(f.verdict(for: document((long + short).joined(separator: "\n"))) == .keep)
        #expect(f.verdict(for: document((long + short + ["Curiouser."]).joined(separator: "\n"))) == .drop(reason: "short_line_ratio"))
        f = FineWebQualityFilter()
        (f.linePunctuationThreshold, f.charDuplicatesRatio, f.shortLineThreshold) = (0, 1, 1)
        // 3 newlines over 10 words: 0.3, not above; 4 newlines: drop.
        #expect(f.verdict(for: document("one two three\nfour five six\nseven eight\nnine ten")) == .keep)
        #expect(f.verdict(for: document("one two three\nfour five six\nseven eight\nnine\nten")) == .drop(reason: "list_ratio"))
    }

    @Test func duplicateLineCharacters() {
        var f = FineWebQualityFilter()
        (f.linePunctuationThreshold, f.shortLineThreshold, f.newLineRatio) = (0, 1, 1e9)
        let lines = Array(bookLines.prefix(20))
        #expect(f.verdict(for: document(lines.joined(separator: "\n"))) == .keep)
        #expect(f.verdict(for: document((lines + [lines[0]]).joined(separator: "\n"))) == .drop(reason: "char_dup_ratio"))
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let last = s.last, set.contains(last) { s.removeLast() }
        return String(s)
    }
}
