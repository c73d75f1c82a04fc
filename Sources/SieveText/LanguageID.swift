import SieveCore

/// Language identification: a multinomial naive Bayes over character 1–4-grams of words
/// (Cavnar & Trenkle 1994's n-gram profiles, scored as in langid.py, Lui & Baldwin 2012), trained
/// by `scripts/train-langid` from wordfreq word lists and UDHR translations into
/// `models/langid.tsv.gz` (44 languages, per-language accuracy on held-out sentences in
/// `docs/language-id.md`).
///
/// Features, exactly as the training script computes them: the text is lowercased and split into
/// words (maximal runs of letters and marks, Unicode categories L* and M*); each word is padded
/// with a space on each side, and each of its substrings of 1 to 4 characters (the lone space
/// excepted) is one n-gram. A language's score is the sum of its log-probabilities of the text's
/// n-grams (its floor for n-grams it did not keep); `score` is the softmax of those sums scaled by
/// `20 / number of n-grams`, so it reads as a confidence between 0 and 1.
public struct LanguageModel: Sendable {
    public let languages: [String]
    private let floors: [Double]
    /// n-gram hash → range in `entryLanguage`/`entryGain`.
    private let index: [UInt64: Range<Int32>]
    private let entryLanguage: [UInt16]
    /// The language's log-probability of the n-gram minus its floor.
    private let entryGain: [Double]
    /// Only the first `maxCharacters` of a text are read.
    public var maxCharacters = 2000
    static let beta = 20.0

    /// Reads the model file's text (see `scripts/train-langid` for the format).
    public init(tsv: [UInt8]) throws {
        var languages: [String] = []
        var floors: [Double] = []
        var index: [UInt64: Range<Int32>] = [:]
        var entryLanguage: [UInt16] = []
        var entryGain: [Double] = []
        var lineNumber = 0
        for lineBytes in tsv.split(separator: 10, omittingEmptySubsequences: true) {
            lineNumber += 1
            let line = String(decoding: lineBytes, as: UTF8.self)
            if line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { throw SieveError.failed("language model line \(lineNumber): expected tab-separated fields") }
            switch fields[0] {
            case "languages":
                languages = fields.dropFirst().map(String.init)
            case "floors":
                floors = try fields.dropFirst().map {
                    guard let v = Int($0) else { throw SieveError.failed("language model line \(lineNumber): bad floor '\($0)'") }
                    return Double(v) / 100
                }
            default:
                guard floors.count == languages.count, !languages.isEmpty else {
                    throw SieveError.failed("language model line \(lineNumber): n-grams before 'languages' and 'floors'")
                }
                let start = Int32(entryGain.count)
                for entry in fields[1].split(separator: " ") {
                    let parts = entry.split(separator: ":")
                    guard parts.count == 2, let k = Int(parts[0]), let v = Int(parts[1]), k >= 0, k < languages.count else {
                        throw SieveError.failed("language model line \(lineNumber): bad entry '\(entry)'")
                    }
                    entryLanguage.append(UInt16(k))
                    entryGain.append(Double(v) / 100 - floors[k])
                }
                index[LanguageModel.hash(Array(fields[0].unicodeScalars)[...])] = start..<Int32(entryGain.count)
            }
        }
        guard !languages.isEmpty, !index.isEmpty else { throw SieveError.failed("language model has no languages or n-grams") }
        self.languages = languages
        self.floors = floors
        self.index = index
        self.entryLanguage = entryLanguage
        self.entryGain = entryGain
    }

    /// The most likely language of `text` and its score, or nil when the text has no letters.
    public func identify(_ text: String) -> (language: String, score: Double)? {
        var sums = [Double](repeating: 0, count: languages.count)
        var count = 0
        var word: [Unicode.Scalar] = [" "]
        var read = 0
        func flush() {
            guard word.count > 1 else { return }
            word.append(" ")
            for n in 1...4 where n <= word.count {
                for k in 0...(word.count - n) {
                    if n == 1 && word[k] == " " { continue }
                    count += 1
                    if let range = index[LanguageModel.hash(word[k..<(k + n)])] {
                        for e in Int(range.lowerBound)..<Int(range.upperBound) {
                            sums[Int(entryLanguage[e])] += entryGain[e]
                        }
                    }
                }
            }
            word.removeSubrange(1...)
        }
        for scalar in text.unicodeScalars {
            read += 1
            if read > maxCharacters { break }
            let v = scalar.value
            if v < 0x80 {
                // ASCII: letters lowercased by hand, everything else ends a word.
                if v >= 0x61 && v <= 0x7A { word.append(scalar) } else if v >= 0x41 && v <= 0x5A {
                    word.append(Unicode.Scalar(v + 32)!)
                } else {
                    flush()
                }
                continue
            }
            let lowered = scalar.properties.changesWhenLowercased ? Array(scalar.properties.lowercaseMapping.unicodeScalars) : [scalar]
            for s in lowered {
                switch s.properties.generalCategory {
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                     .nonspacingMark, .spacingMark, .enclosingMark:
                    word.append(s)
                default:
                    flush()
                }
            }
        }
        flush()
        guard count > 0 else { return nil }
        var best = 0
        for k in sums.indices {
            sums[k] += Double(count) * floors[k]
            if sums[k] > sums[best] { best = k }
        }
        let scale = LanguageModel.beta / Double(count)
        let total = sums.reduce(0) { $0 + exp(($1 - sums[best]) * scale) }
        return (languages[best], 1 / total)
    }

    /// FNV-1a over the scalars' values.
    static func hash(_ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for s in scalars {
            var v = s.value
            for _ in 0..<3 {
                h = (h ^ UInt64(v & 0xFF)) &* 0x100_0000_01b3
                v >>= 8
            }
        }
        return h
    }
}

/// The `language` step: writes `metadata.language` and `metadata.language_score` (rounded to
/// 4 digits); with `keep`, drops documents in other languages (`dropped_language`) and, with
/// `minScore`, those identified with less confidence (`dropped_language_score`), as datatrove's
/// `LanguageFilter(languages, language_threshold)` does.
public struct LanguageFilter: IndependentStage {
    public let model: LanguageModel
    public let keep: Set<String>
    public let minScore: Double

    public init(model: LanguageModel, keep: Set<String> = [], minScore: Double = 0) {
        self.model = model
        self.keep = keep
        self.minScore = minScore
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            let (language, score) = model.identify(doc.text) ?? ("unknown", 0)
            doc.metadata["language"] = .string(language)
            doc.metadata["language_score"] = JSONValue((score * 10_000).rounded() / 10_000)
            if !keep.isEmpty && !keep.contains(language) {
                stats.drop(doc, reason: "language")
            } else if score < minScore {
                stats.drop(doc, reason: "language_score")
            } else {
                stats.add("language_" + language)
                stats.count(doc)
                output.append(doc)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
