#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import SieveText

/// The average unigram log-probability rule of peS2o (AllenAI), as datatrove 0.10's
/// `UnigramLogProbFilter`: the mean of ln p(word) over the document's words, lowercased, with
/// p = 1e-9 for words not in the list, must be above `logprobs_threshold` (-10); an empty
/// document scores 0. Dropped as `unigram_logprob` (datatrove gives no reason).
///
/// datatrove downloads Google's 1T unigram counts (`word,count` CSV, p = count / total); that
/// file is not shipped with Sieve, but any list in that shape works, and so does wordfreq's
/// (`word<TAB>log10 frequency in centibels`, p = 10^(v/100); `filters/unigram/en.tsv.gz`).
public struct UnigramLogProbFilter: DocumentFilter {
    public var threshold = -10.0
    let logProbabilities: [String: Double]
    let splitter: WordSplitter

    public init(frequencies path: String, threshold: Double = -10, language: String = "en") throws {
        var lines = LineReader(try Compression.open(path))
        var counts: [(String, Double)] = []
        var logScale = false
        while let line = try lines.next() {
            guard case .line(let raw) = line else { continue }
            let fields = String(decoding: raw, as: UTF8.self).split(separator: raw.contains(0x09) ? "\t" : ",", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { continue }
            if lines.lineNumber == 1 {
                logScale = fields[1].hasPrefix("log10")
                if Double(fields[1]) == nil { continue }  // a header
            }
            guard let value = Double(fields[1]) else { continue }
            counts.append((String(fields[0]), value))
        }
        if logScale {
            logProbabilities = Dictionary(counts.map { ($0.0, $0.1 / 100 * log(10.0)) }, uniquingKeysWith: { a, _ in a })
        } else {
            let total = counts.reduce(0) { $0 + $1.1 }
            logProbabilities = Dictionary(counts.map { ($0.0, log($0.1 / total)) }, uniquingKeysWith: { _, b in b })
        }
        self.threshold = threshold
        splitter = WordSplitter(language: language)
    }

    /// The document's mean log-probability.
    public func score(_ text: String) -> Double {
        let words = splitter.words(text)
        guard !words.isEmpty else { return 0 }
        let unknown = log(1e-9)
        return words.reduce(0) { $0 + (logProbabilities[$1.lowercased()] ?? unknown) } / Double(words.count)
    }

    public func verdict(for doc: Document) -> Verdict {
        score(doc.text) > threshold ? .keep : .drop(reason: "unigram_logprob")
    }
}
