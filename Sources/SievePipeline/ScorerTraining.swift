import SieveCore
import SieveIO
import SieveModel

/// What `sieve scorer train` and `sieve scorer eval` do (DESIGN §8): read the documents, train
/// the skip-gram embeddings on all their text (no labels), train and calibrate the linear scorer
/// on the labelled part, and measure a scorer on labelled documents.
public enum ScorerTraining {
    public struct Options: Sendable {
        /// `quality` or `toxicity`: names the score's metadata key.
        public var task = "quality"
        /// Reference documents (label 1): Wikipedia articles, books, …
        public var positives: [String] = []
        /// Crawl documents (label 0), sampled down to `maxNegatives` at random.
        public var negatives: [String] = []
        /// Documents with their own label in `metadata.<labelKey>` (1/0, true/false).
        public var labeled: [String] = []
        public var labelKey = "label"
        /// More unlabelled text for the embeddings only.
        public var corpus: [String] = []
        /// The input format of every file (a name of `sieve read`).
        public var format = "jsonl"
        public var maxNegatives: Int?
        /// A word list (one term per line); hits become features and are reported per term.
        public var blocklist: String?
        public var embeddings = true
        public var skipGram = SkipGramConfig()
        public var scorer = ScorerConfig()
        public init() {}
    }

    public static func train(_ o: Options) throws -> ScorerModel {
        var texts: [String] = []
        var labels: [Bool] = []
        for text in try readTexts(o.positives, format: o.format) { texts.append(text); labels.append(true) }
        var negatives = try readTexts(o.negatives, format: o.format)
        if let cap = o.maxNegatives, negatives.count > cap {
            var rng = SplitMix64(seed: o.scorer.seed ^ 0x6e65_6761_7469_7665)
            negatives = reservoirSample(negatives, count: cap, rng: &rng)
        }
        texts += negatives
        labels += repeatElement(false, count: negatives.count)
        for (text, label) in try readLabeled(o.labeled, format: o.format, labelKey: o.labelKey) {
            texts.append(text)
            labels.append(label)
        }
        let positives = labels.filter { $0 }.count
        guard positives > 0, positives < labels.count else {
            throw SieveError.usage("training needs both positive and negative documents (have \(positives) positive, "
                                   + "\(labels.count - positives) negative): give --positives and --negatives, or --labels")
        }
        Log.info("scorer: \(labels.count) labelled documents (\(positives) positive, \(labels.count - positives) negative)")

        var training: JSONObject = [
            "documents": JSONValue(labels.count), "positives": JSONValue(positives),
            "negatives": JSONValue(labels.count - positives),
        ]
        var embeddings: Embeddings?
        if o.embeddings {
            let corpus = texts + (try readTexts(o.corpus, format: o.format))
            let (trained, report) = SkipGram.train(corpus, config: o.skipGram)
            Log.info("embeddings: \(report)")
            embeddings = trained
            training["embedding_documents"] = JSONValue(corpus.count)
            training["embedding_words"] = JSONValue(Int(report.words))
            training["embedding_seconds"] = JSONValue(report.seconds)
        }
        let blocklist = try o.blocklist.map { Blocklist(terms: try readList($0)) } ?? .empty
        let (scorer, report) = LinearScorer.train(texts: texts, labels: labels, embeddings: embeddings,
                                                  blocklist: blocklist, config: o.scorer)
        Log.info("scorer: \(report.words) words (× epochs) in \((report.seconds * 100).rounded() / 100) s = \(Int(report.wordsPerSecond)) words/s, "
                 + "calibrated on \(report.calibrationSamples) held-out documents")
        training["calibration_documents"] = JSONValue(report.calibrationSamples)
        training["scorer_seconds"] = JSONValue(report.seconds)
        training["scorer_words_per_second"] = JSONValue(Int(report.wordsPerSecond))
        return ScorerModel(task: o.task, scorer: scorer, skipGram: o.embeddings ? o.skipGram : nil, training: training)
    }

    public static func load(_ directory: String) throws -> ScorerModel { try ScorerModel.load(directory) }

    /// Scores labelled documents and measures the scores against the labels.
    public static func evaluate(_ model: ScorerModel, labeled: [(text: String, label: Bool)], threshold: Double,
                                bins: Int = 10) -> BinaryMetrics {
        var scratch = LinearScorer.Scratch()
        let scores = labeled.map { model.scorer.analyze($0.text, scratch: &scratch).score }
        return BinaryMetrics(scores: scores, labels: labeled.map(\.label), threshold: threshold, bins: bins)
    }

    /// The texts of every document in the files named by `patterns`.
    public static func readTexts(_ patterns: [String], format: String) throws -> [String] {
        try readDocuments(patterns, format: format).map(\.text)
    }

    /// Documents with a label in `metadata.<labelKey>`: true/false, a number (non-zero is
    /// positive) or "1"/"0"/"true"/"false". A document without a readable label is skipped and
    /// counted, with a warning naming it.
    public static func readLabeled(_ patterns: [String], format: String, labelKey: String) throws -> [(text: String, label: Bool)] {
        var result: [(text: String, label: Bool)] = []
        var unlabeled = 0
        for doc in try readDocuments(patterns, format: format) {
            let label: Bool?
            switch doc.metadata[labelKey] {
            case .bool(let b)?: label = b
            case .number(let n)?: label = Double(n).map { $0 != 0 }
            case .string(let s)?: label = ["1", "true", "yes", "positive"].contains(s.lowercased()) ? true
                : ["0", "false", "no", "negative"].contains(s.lowercased()) ? false : nil
            default: label = nil
            }
            guard let label else {
                unlabeled += 1
                if unlabeled <= 20 { Log.warning("document \(doc.id): no readable '\(labelKey)' label (skipped)") }
                continue
            }
            result.append((doc.text, label))
        }
        if unlabeled > 0 { Log.warning("\(unlabeled) documents without a label were skipped") }
        return result
    }

    static func readDocuments(_ patterns: [String], format: String) throws -> [Document] {
        guard !patterns.isEmpty else { return [] }
        var reader = try Registry.input(format, at: .commandLine("sieve scorer"))
            .make(StepParams(step: format, location: .commandLine("sieve scorer")))
        var documents: [Document] = []
        for path in try InputPaths.expand(patterns) {
            var stats = StageStats(name: "read")
            try reader.read(path, stats: &stats) { documents.append($0) }
            if stats["skipped"] > 0 { Log.warning("\(path): \(stats["skipped"]) unreadable parts skipped") }
        }
        return documents
    }

    /// A word list: one term per line, blank lines and `#` comments ignored.
    public static func readList(_ path: String) throws -> [String] {
        try FileSystem.readText(path).split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// `count` elements chosen uniformly at random (Vitter's algorithm R), in their original order.
    static func reservoirSample<T>(_ items: [T], count: Int, rng: inout SplitMix64) -> [T] {
        var chosen = Array(items.indices.prefix(count))
        for i in count..<items.count {
            let j = Int(rng.next() % UInt64(i + 1))
            if j < count { chosen[j] = i }
        }
        return chosen.sorted().map { items[$0] }
    }
}
