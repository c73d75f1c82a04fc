import SieveCore
import SieveText
import Testing
@testable import SieveFilters

@Suite struct GopherQualityFilterTests {
    /// Every rule off, to test one at a time.
    func bare() -> GopherQualityFilter {
        var f = GopherQualityFilter()
        (f.minDocWords, f.maxDocWords, f.minStopWords) = (0, 0, 0)
        (f.minAvgWordLength, f.maxAvgWordLength, f.maxSymbolWordRatio) = (0, 0, 0)
        (f.maxBulletLinesRatio, f.maxEllipsisLinesRatio, f.maxNonAlphaWordsRatio) = (0, 0, 0)
        return f
    }

    /// Alphabetic words of the book excerpt, in order.
    var bookWords: [String] {
        WordSplitter().words(bookLines.joined(separator: "\n")).map(String.init)
            .filter { $0.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } }
    }

    @Test func agreesWithDatatroveOnRealDocuments() {
        let (checked, verdicts, mismatches) = checkAgainstDatatrove(GopherQualityFilter(), name: "gopher_quality")
        #expect(checked >= 50)
        #expect(verdicts.count >= 6)
        #expect(mismatches == [])
    }

    @Test func wordCountBoundary() {
        var f = bare()
        f.minDocWords = 50
        let words = bookWords
        #expect(f.verdict(for: document(words.prefix(50).joined(separator: " "))) == .keep)
        #expect(f.verdict(for: document(words.prefix(49).joined(separator: " "))) == .drop(reason: "gopher_short_doc"))
        f.maxDocWords = 60
        #expect(f.verdict(for: document(words.prefix(60).joined(separator: " "))) == .keep)
        #expect(f.verdict(for: document(words.prefix(61).joined(separator: " "))) == .drop(reason: "gopher_long_doc"))
    }

    @Test func meanWordLengthBoundary() {
        var f = bare()
        f.minAvgWordLength = 3
        let three = bookWords.filter { $0.count == 3 }.prefix(20)
        #expect(f.verdict(for: document(three.joined(separator: " "))) == .keep)
        #expect(f.verdict(for: document((three.dropFirst() + ["of"]).joined(separator: " ")))
                == .drop(reason: "gopher_below_avg_threshold"))
    }

    @Test func hashAndEllipsisBoundaries() {
        var f = bare()
        f.maxSymbolWordRatio = 0.1
        let base = bookLines.prefix(5).joined(separator: "\n")
        let n = WordSplitter().words(base).count
        let h = n / 9  // h / (n + h) <= 0.1 exactly when 9h <= n
        #expect(f.verdict(for: document(base + String(repeating: " #", count: h))) == .keep)
        #expect(f.verdict(for: document(base + String(repeating: " #", count: h + 1))) == .drop(reason: "gopher_too_many_hashes"))
        #expect(f.verdict(for: document(base + String(repeating: " …", count: h + 1))) == .drop(reason: "gopher_too_many_ellipsis"))
    }

    @Test func bulletAndEllipsisLineBoundaries() {
        var f = bare()
        (f.maxBulletLinesRatio, f.maxEllipsisLinesRatio) = (0.9, 0.3)
        let lines = Array(bookLines.prefix(10))
        func bullets(_ k: Int) -> String { lines.enumerated().map { $0.offset < k ? "  • " + $0.element : $0.element }.joined(separator: "\n") }
        #expect(f.verdict(for: document(bullets(9))) == .keep)
        #expect(f.verdict(for: document(bullets(10))) == .drop(reason: "gopher_too_many_bullets"))
        func ellipses(_ k: Int) -> String { lines.enumerated().map { $0.offset < k ? $0.element + "... " : $0.element }.joined(separator: "\n") }
        #expect(f.verdict(for: document(ellipses(3))) == .keep)
        #expect(f.verdict(for: document(ellipses(4))) == .drop(reason: "gopher_too_many_end_ellipsis"))
    }

    @Test func alphabeticWordsAndStopWordBoundaries() {
        var f = bare()
        f.maxNonAlphaWordsRatio = 0.8
        let words = bookWords.prefix(80).joined(separator: " ")
        #expect(f.verdict(for: document(words + String(repeating: " 1865", count: 20))) == .keep)
        #expect(f.verdict(for: document(words + String(repeating: " 1865", count: 21))) == .drop(reason: "gopher_below_alpha_threshold"))

        f = bare()
        f.minStopWords = 2
        let plain = bookWords.filter { !GopherQualityFilter.defaultStopWords.contains($0) }.prefix(60).joined(separator: " ")
        #expect(f.verdict(for: document(plain + " the of")) == .keep)
        #expect(f.verdict(for: document(plain + " the the The")) == .drop(reason: "gopher_enough_stop_words"))
    }
}
