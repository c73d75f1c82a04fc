import SieveCore
import Testing
@testable import SieveFilters

@Suite struct UnigramLogProbFilterTests {
    @Test func realProseScoresAboveGibberish() throws {
        let f = try UnigramLogProbFilter(frequencies: packageRoot + "/filters/unigram/en.tsv.gz")
        let prose = f.score(bookLines.prefix(10).joined(separator: "\n"))
        let gibberish = f.score("qzxv wkrtp zzyqx plmkn vvbq")
        #expect(prose > -10 && prose < -4)
        #expect(abs(gibberish - (-9 * 2.302585092994046)) < 1e-9)  // every word unknown: ln(1e-9)
        #expect(f.verdict(for: document(bookLines[0])) == .keep)
        #expect(f.verdict(for: document("qzxv wkrtp zzyqx")) == .drop(reason: "unigram_logprob"))
        #expect(f.score("") == 0)
        var strict = f
        strict.threshold = prose
        #expect(strict.verdict(for: document(bookLines.prefix(10).joined(separator: "\n"))) == .drop(reason: "unigram_logprob"))
    }
}
