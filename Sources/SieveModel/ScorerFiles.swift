import SieveCore

/// A trained scorer on disk: `DIR/model.safetensors` (the weights) and `DIR/config.json` (what
/// they mean: feature settings, calibration, word list, training report), DESIGN §7 "Models".
public struct ScorerModel: Sendable {
    /// `quality` or `toxicity`: names the metadata key the steps write (`quality_score`, …).
    public var task: String
    public var scorer: LinearScorer
    /// How the embeddings were trained (kept for the record; scoring needs only the matrix).
    public var skipGram: SkipGramConfig?
    /// Free-form facts about training (sizes, seconds, held-out metrics).
    public var training: JSONObject

    public init(task: String, scorer: LinearScorer, skipGram: SkipGramConfig?, training: JSONObject = [:]) {
        self.task = task
        self.scorer = scorer
        self.skipGram = skipGram
        self.training = training
    }

    public static let weightsFile = "model.safetensors"
    public static let configFile = "config.json"

    public func save(to directory: String) throws {
        let s = scorer
        var tensors: [(String, [Int], [Float])] = [
            ("linear.bias", [1], [s.bias]),
            ("linear.dense", [s.dense.count], s.dense),
            ("linear.dense_mean", [s.denseMean.count], s.denseMean),
            ("linear.dense_scale", [s.denseScale.count], s.denseScale),
        ]
        if !s.sparse.isEmpty { tensors.append(("linear.sparse", [s.sparse.count], s.sparse)) }
        if let e = s.embeddings { tensors.append(("embeddings.input", [e.wordBuckets + e.ngramBuckets, e.dim], e.input)) }
        try FileSystem.createDirectory(directory)
        try FileSystem.writeFile(directory + "/" + Self.weightsFile, Safetensors.encode(tensors))

        let c = s.config
        var config: JSONObject = [
            "format": "sieve-scorer", "version": 1, "task": .string(task), "score_key": .string(task + "_score"),
            "scorer": [
                "feature_buckets": JSONValue(c.featureBuckets), "max_words": JSONValue(c.maxWords),
                "use_ngrams": .bool(c.useNgrams), "epochs": JSONValue(c.epochs),
                "learning_rate": JSONValue(Double(c.learningRate)), "l2": JSONValue(Double(c.l2)),
                "calibration_fraction": JSONValue(c.calibrationFraction), "seed": .string(String(c.seed)),
            ],
            "calibration": ["method": "platt", "a": JSONValue(s.plattA), "b": JSONValue(s.plattB)],
            "statistics": .array(LinearScorer.statisticNames.map { .string($0) }),
            "blocklist": .array(s.blocklist.terms.map { .string($0) }),
        ]
        if let e = s.embeddings {
            var embeddings: JSONObject = [
                "dim": JSONValue(e.dim), "min_n": JSONValue(e.minN), "max_n": JSONValue(e.maxN),
                "word_buckets": JSONValue(e.wordBuckets), "ngram_buckets": JSONValue(e.ngramBuckets),
            ]
            if let g = skipGram {
                embeddings["training"] = [
                    "window": JSONValue(g.window), "negatives": JSONValue(g.negatives), "epochs": JSONValue(g.epochs),
                    "learning_rate": JSONValue(Double(g.learningRate)), "subsample": JSONValue(g.subsample),
                    "threads": JSONValue(g.threads), "seed": .string(String(g.seed)),
                ]
            }
            config["embeddings"] = .object(embeddings)
        }
        config["training"] = .object(training)
        try FileSystem.writeFile(directory + "/" + Self.configFile, Array((JSONWriter.string(.object(config)) + "\n").utf8))
    }

    public static func load(_ directory: String) throws -> ScorerModel {
        let configPath = directory + "/" + configFile
        let text = try FileSystem.readText(configPath)
        guard let config = (try? JSONParser.parse(text))?.objectValue else {
            throw SieveError.io(path: configPath, message: "not a JSON object")
        }
        func bad(_ what: String) -> SieveError { .io(path: configPath, message: what) }
        guard config["format"]?.stringValue == "sieve-scorer", let task = config["task"]?.stringValue,
              let sc = config["scorer"]?.objectValue, let calibration = config["calibration"]?.objectValue
        else { throw bad("not a Sieve scorer config (format, task, scorer, calibration)") }
        var c = ScorerConfig()
        guard let buckets = sc["feature_buckets"]?.intValue, buckets > 0, let maxWords = sc["max_words"]?.intValue,
              let useNgrams = sc["use_ngrams"]?.boolValue
        else { throw bad("scorer: feature_buckets, max_words, use_ngrams") }
        c.featureBuckets = buckets
        c.maxWords = maxWords
        c.useNgrams = useNgrams
        c.epochs = sc["epochs"]?.intValue ?? c.epochs
        c.learningRate = Float(sc["learning_rate"]?.doubleValue ?? Double(c.learningRate))
        c.l2 = Float(sc["l2"]?.doubleValue ?? Double(c.l2))
        c.calibrationFraction = sc["calibration_fraction"]?.doubleValue ?? c.calibrationFraction
        c.seed = sc["seed"]?.stringValue.flatMap { UInt64($0) } ?? c.seed
        guard let a = calibration["a"]?.doubleValue, let b = calibration["b"]?.doubleValue else { throw bad("calibration: a, b") }

        let weightsPath = directory + "/" + weightsFile
        let tensors = try Safetensors.decode(try FileSystem.readFile(weightsPath), path: weightsPath)
        func tensor(_ name: String, count: Int?) throws -> [Float] {
            guard let t = tensors[name] else { throw SieveError.io(path: weightsPath, message: "no tensor '\(name)'") }
            if let count, t.count != count {
                throw SieveError.io(path: weightsPath, message: "tensor '\(name)' has \(t.count) values, config says \(count)")
            }
            return t
        }
        var embeddings: Embeddings?
        var skipGram: SkipGramConfig?
        if let e = config["embeddings"]?.objectValue {
            guard let dim = e["dim"]?.intValue, dim > 0, let minN = e["min_n"]?.intValue, let maxN = e["max_n"]?.intValue,
                  let words = e["word_buckets"]?.intValue, words > 0, let ngrams = e["ngram_buckets"]?.intValue, ngrams > 0
            else { throw bad("embeddings: dim, min_n, max_n, word_buckets, ngram_buckets") }
            embeddings = Embeddings(dim: dim, minN: minN, maxN: maxN, wordBuckets: words, ngramBuckets: ngrams,
                                    input: try tensor("embeddings.input", count: (words + ngrams) * dim))
            if let t = e["training"]?.objectValue {
                var g = SkipGramConfig()
                (g.dim, g.minN, g.maxN, g.wordBuckets, g.ngramBuckets) = (dim, minN, maxN, words, ngrams)
                g.window = t["window"]?.intValue ?? g.window
                g.negatives = t["negatives"]?.intValue ?? g.negatives
                g.epochs = t["epochs"]?.intValue ?? g.epochs
                g.learningRate = Float(t["learning_rate"]?.doubleValue ?? Double(g.learningRate))
                g.subsample = t["subsample"]?.doubleValue ?? g.subsample
                g.threads = t["threads"]?.intValue ?? g.threads
                g.seed = t["seed"]?.stringValue.flatMap { UInt64($0) } ?? g.seed
                skipGram = g
            }
        }
        let denseCount = (embeddings?.dim ?? 0) + LinearScorer.statisticNames.count
        let terms = (config["blocklist"]?.arrayValue ?? []).compactMap(\.stringValue)
        let scorer = LinearScorer(
            config: c, embeddings: embeddings, blocklist: Blocklist(terms: terms),
            sparse: useNgrams ? try tensor("linear.sparse", count: buckets) : [],
            dense: try tensor("linear.dense", count: denseCount), bias: try tensor("linear.bias", count: 1)[0],
            denseMean: try tensor("linear.dense_mean", count: denseCount),
            denseScale: try tensor("linear.dense_scale", count: denseCount), plattA: a, plattB: b)
        return ScorerModel(task: task, scorer: scorer, skipGram: skipGram, training: config["training"]?.objectValue ?? [:])
    }
}
