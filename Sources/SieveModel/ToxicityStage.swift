import SieveCore

/// The `toxicity` step: scores every sentence with a toxicity scorer, removes the sentences
/// scoring above `threshold`, and drops the whole document (`dropped_toxic`) only when more than
/// `maxRemovedFraction` of its text is gone; sentences of fewer than `minWords` words are not
/// judged. A toxicity model knows the language it was trained on: run it after language
/// identification (the Davidson model on other languages removes much that is harmless). The blocklist terms are features of the scorer and
/// are reported, so over-filtering of a dialect or an identity term shows up in the stats:
/// `blocklist_hits_<term>` counts every hit, `removed_term_<term>` the hits in removed text.
///
/// The default threshold is 0.9, not 0.5: the scores are calibrated on the training labels, and
/// in the Davidson et al. tweets 84% are offensive, so ordinary prose far from that domain scores
/// near 0.5 while the text it was trained to find scores above 0.99.
///
/// Metadata: `toxicity_score` (the highest sentence score), `toxicity_removed_sentences`, and
/// `blocklist_hits` (`{term: count}`) when any term occurs.
public struct ToxicityStage: IndependentStage {
    public let model: ScorerModel
    public let threshold: Double
    public let maxRemovedFraction: Double
    /// Sentences of fewer words are too short to judge (a menu item, a name) and always stay.
    public let minWords: Int
    public let key: String
    var scratch = LinearScorer.Scratch()

    public init(model: ScorerModel, threshold: Double = 0.9, maxRemovedFraction: Double = 0.5, minWords: Int = 3, key: String? = nil) {
        self.model = model
        self.threshold = threshold
        self.maxRemovedFraction = maxRemovedFraction
        self.minWords = minWords
        self.key = key ?? model.task + "_score"
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        let terms = model.scorer.blocklist.terms
        for var doc in batch {
            var kept = ""
            var removedBytes = 0, totalBytes = 0, removedSentences = 0
            var maxScore = 0.0
            var hits: [Int: Int] = [:]
            var removedHits: [Int] = []
            var sentences = 0
            for sentence in Sentences.split(doc.text) {
                let analysis = model.scorer.analyze(String(sentence.text), scratch: &scratch)
                sentences += 1
                for term in analysis.hits { hits[term, default: 0] += 1 }
                totalBytes += sentence.text.utf8.count
                let judged = analysis.words >= minWords
                if judged { maxScore = max(maxScore, analysis.score) }
                if judged, analysis.score > threshold {
                    removedSentences += 1
                    removedBytes += sentence.text.utf8.count
                    removedHits += analysis.hits
                } else {
                    kept += sentence.text
                    kept += sentence.separator
                }
            }
            for (term, n) in hits { stats.add("blocklist_hits_" + counterName(terms[term]), Int64(n)) }
            doc.metadata[key] = JSONValue(roundedScore(maxScore))
            doc.metadata["toxicity_removed_sentences"] = JSONValue(removedSentences)
            if !hits.isEmpty {
                doc.metadata["blocklist_hits"] = .object(JSONObject(hits.sorted { $0.key < $1.key }.map {
                    JSONObject.Member(key: terms[$0.key], value: JSONValue($0.value))
                }))
            }
            stats.add("sentences", Int64(sentences))
            stats.add("removed_sentences", Int64(removedSentences))
            let dropped = totalBytes > 0 && Double(removedBytes) / Double(totalBytes) > maxRemovedFraction
            // A dropped document removes every hit in it, not only those of removed sentences.
            let removed = dropped ? hits.flatMap { Array(repeating: $0.key, count: $0.value) } : removedHits
            for term in removed { stats.add("removed_term_" + counterName(terms[term])) }
            if dropped {
                stats.drop(doc, reason: "toxic")
                continue
            }
            if removedSentences > 0 { doc.text = kept }
            stats.count(doc)
            output.append(doc)
        }
    }

    /// Counter names carry the term with spaces as underscores.
    func counterName(_ term: String) -> String { String(term.map { $0 == " " ? "_" : $0 }) }
}

/// Sentence splitting for per-sentence scoring: a sentence ends at a line break, or after
/// `.`, `!`, `?` (and closing quotes or brackets) followed by whitespace. Each sentence keeps its
/// separator so that the text can be rebuilt exactly from the sentences that stay.
public enum Sentences {
    public struct Sentence {
        public var text: Substring
        public var separator: Substring
    }

    public static func split(_ text: String) -> [Sentence] {
        var sentences: [Sentence] = []
        var start = text.startIndex
        var i = text.startIndex
        var sawEnd = false
        while i < text.endIndex {
            let c = text[i]
            if c.isNewline || (sawEnd && c.isWhitespace) {
                var j = i
                while j < text.endIndex, text[j].isWhitespace { j = text.index(after: j) }
                sentences.append(Sentence(text: text[start..<i], separator: text[i..<j]))
                start = j
                i = j
                sawEnd = false
                continue
            }
            if c == "." || c == "!" || c == "?" {
                sawEnd = true
            } else if !(sawEnd && (c == "\"" || c == "'" || c == ")" || c == "”" || c == "’")) {
                sawEnd = false
            }
            i = text.index(after: i)
        }
        if start < text.endIndex { sentences.append(Sentence(text: text[start...], separator: "")) }
        return sentences
    }
}
