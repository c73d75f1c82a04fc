#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import SieveModel
import SieveTokenizer

/// `sieve ablate`: curation judged by training (issue 11). The same small GPT is trained for the
/// same token budget (steps × batch × length) on two shares of equal size of a scored pool — the
/// quality scorer's top share and a seeded random share — with several seeds each, and every model
/// is evaluated on a held-out reference text the scorer never saw, in bits per byte:
/// mean loss (nats per token) / ln 2 × reference tokens / reference bytes, so that tokenizers
/// compare (the measure of Gao et al. 2020, *The Pile*, §4; FineWeb and DCLM judge their
/// filters the same way: small models trained on each variant, Penedo et al. 2024; Li et al. 2024).
///
/// Files: `RUN/ablation/tokens/{top,random,reference}.bin` (llm.c shards),
/// `RUN/ablation/models/ARM-seedN/` (the `sieve pretrain` run of each model), `RUN/ablation.json`
/// (what `sieve report RUN` shows).
public struct Ablation {
    public struct Options: Sendable {
        /// JSONL documents (files or globs) with a score in `metadata[scoreKey]`.
        public var documents: [String] = []
        public var scoreKey = "quality_score"
        /// The held-out reference text (a plain text file).
        public var reference = ""
        /// A `tokenizer.json`; nil: bytes (vocabulary 257, end-of-text 256).
        public var tokenizer: String?
        /// The share of the pool each arm trains on.
        public var share = 0.5
        /// Seed of the random share.
        public var sampleSeed: UInt64 = 1
        /// One model per arm and seed (initialisation and data order).
        public var seeds: [UInt64] = [1, 2]
        public var model = GPTConfig(vocabSize: 0, contextLength: 64, layers: 2, heads: 2, channels: 64)
        public var training: TrainingOptions = {
            var o = TrainingOptions()
            (o.batch, o.length, o.steps, o.lr, o.warmup, o.valEvery) = (8, 64, 60, 2e-3, 10, 0)
            return o
        }()

        public init() {}
    }

    /// One trained model.
    public struct Result: Sendable {
        public var arm: String
        public var seed: UInt64
        public var validationLoss: Double
        public var bitsPerByte: Double
    }

    public let options: Options
    public let run: String

    public init(options: Options, run: String) throws {
        guard options.share > 0, options.share < 1 else { throw SieveError.usage("--share must be between 0 and 1 (exclusive)") }
        guard !options.seeds.isEmpty else { throw SieveError.usage("--seeds: give at least one seed") }
        guard !options.documents.isEmpty else { throw SieveError.usage("--documents: give the scored documents (JSONL)") }
        self.options = options
        self.run = run
    }

    public var work: String { run + "/ablation" }
    public var resultPath: String { run + "/ablation.json" }

    /// Trains and evaluates every model, writes `ablation.json` and returns the results.
    @discardableResult
    public func execute(say: (String) -> Void = { Log.info($0) }) throws -> [Result] {
        let pool = try scoredDocuments()
        let n = Int((Double(pool.count) * options.share).rounded())
        guard n >= 1, n < pool.count else {
            throw SieveError.usage("\(pool.count) scored documents: too few for a share of \(options.share) (each arm needs at least one, and fewer than all)")
        }
        let arms = [("top", Self.top(pool.map(\.score), count: n)), ("random", Self.sample(pool.count, count: n, seed: options.sampleSeed))]
        say("ablate: \(pool.count) scored documents, \(n) in each share")

        for sub in ["tokens", "models"] { try FileSystem.removeTree(work + "/" + sub) }
        try FileSystem.createDirectory(work + "/tokens")
        let encode = try encoder()
        let referenceBytes = try FileSystem.readFile(options.reference)
        let referenceTokens = [encode.eot] + encode.tokens(String(decoding: referenceBytes, as: UTF8.self))
        let referenceShard = work + "/tokens/reference.bin"
        try TokenShard.write(referenceTokens, to: referenceShard)
        // Bits per byte: the reference's tokens per byte converts nats per token.
        let tokensPerByte = Double(referenceTokens.count - 1) / Double(max(referenceBytes.count, 1))

        var results: [Result] = []
        var armTokens: [String: Int] = [:]
        for (arm, chosen) in arms {
            var tokens: [Int32] = []
            for k in chosen { tokens += [encode.eot] + encode.tokens(pool[k].text) }
            armTokens[arm] = tokens.count
            try TokenShard.write(tokens, to: work + "/tokens/\(arm).bin")
            for seed in options.seeds {
                var model = options.model
                model.vocabSize = encode.vocabSize
                var training = options.training
                (training.train, training.validation, training.seed) = ([work + "/tokens/\(arm).bin"], [referenceShard], seed)
                training.valBatches = Int.max  // the whole reference
                let trainer = try Trainer(config: model, options: training, runDirectory: work + "/models/\(arm)-seed\(seed)")
                try trainer.run(progress: false)
                guard let loss = try trainer.validationLoss() else {
                    throw SieveError.usage("\(options.reference): too short to evaluate on (it needs more than batch × length = \(training.batch * training.length) tokens)")
                }
                let bpb = loss / log(2) * tokensPerByte
                results.append(Result(arm: arm, seed: seed, validationLoss: loss, bitsPerByte: bpb))
                say("ablate: \(arm) seed \(seed): \(format3(bpb)) bits per byte (validation loss \(Chart.format2(loss)) nats/token)")
            }
        }
        let json = resultJSON(results, pool: pool.count, perArm: n, armTokens: armTokens,
                              referenceBytes: referenceBytes.count, referenceTokens: referenceTokens.count - 1)
        try FileSystem.writeFile(resultPath, Array((JSONWriter.string(json) + "\n").utf8))
        return results
    }

    /// The documents of the pool with their scores, in input order. A document without a score
    /// is skipped with a warning (counted); a pool with none is an error that says what to do.
    func scoredDocuments() throws -> [(text: String, score: Double)] {
        var pool: [(text: String, score: Double)] = []
        var unscored = 0
        for path in try InputPaths.expand(options.documents) {
            let reader = JSONLReader()
            var stats = StageStats(name: "read")
            var index = 0
            try reader.read(path, stats: &stats) { doc in
                defer { index += 1 }
                guard let score = doc.metadata[options.scoreKey]?.doubleValue, score.isFinite else {
                    if unscored < 5 { Log.warning("\(path): document \(index) (\(doc.id)) has no metadata.\(options.scoreKey); skipped") }
                    unscored += 1
                    return
                }
                pool.append((doc.text, score))
            }
        }
        if unscored > 0 { Log.warning("\(unscored) documents without metadata.\(options.scoreKey) skipped") }
        guard !pool.isEmpty else {
            throw SieveError.usage("no document has metadata.\(options.scoreKey): score the pool first, e.g. sieve run pipelines/web-scored.yaml")
        }
        return pool
    }

    /// The indices of the `count` highest scores (ties: the earlier document), in input order.
    static func top(_ scores: [Double], count: Int) -> [Int] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(count).sorted()
    }

    /// `count` of `n` indices drawn without replacement (Fisher–Yates on SplitMix64), in order.
    static func sample(_ n: Int, count: Int, seed: UInt64) -> [Int] {
        var rng = SplitMix64(seed: seed)
        var indices = Array(0..<n)
        for i in 0..<count { indices.swapAt(i, i + Int(rng.next() % UInt64(n - i))) }
        return indices.prefix(count).sorted()
    }

    /// Text to tokens: the tokenizer's, or bytes.
    struct TextEncoder {
        var eot: Int32
        var vocabSize: Int
        var tokens: (String) -> [Int32]
    }

    func encoder() throws -> TextEncoder {
        guard let path = options.tokenizer else {
            return TextEncoder(eot: ByteTokens.endOfText, vocabSize: ByteTokens.vocabSize) { ByteTokens.encode($0.utf8) }
        }
        let tokenizer = try Tokenizer.load(path)
        guard let eot = tokenizer.id(of: "<|endoftext|>") else { throw SieveError.usage("\(path): no <|endoftext|> token") }
        var encoder = Encoder(tokenizer)
        return TextEncoder(eot: Int32(eot), vocabSize: tokenizer.vocabSize) { encoder.encode($0, allowSpecial: false).map { Int32($0) } }
    }

    func resultJSON(_ results: [Result], pool: Int, perArm: Int, armTokens: [String: Int], referenceBytes: Int, referenceTokens: Int) -> JSONValue {
        func mean(_ arm: String) -> Double {
            let values = results.filter { $0.arm == arm }.map(\.bitsPerByte)
            return values.reduce(0, +) / Double(max(values.count, 1))
        }
        let t = options.training
        return [
            "reference": .string(options.reference), "reference_bytes": JSONValue(referenceBytes), "reference_tokens": JSONValue(referenceTokens),
            "tokenizer": .string(options.tokenizer ?? "bytes"), "documents": JSONValue(pool), "share": JSONValue(options.share),
            "documents_per_share": JSONValue(perArm), "sample_seed": JSONValue(Int(options.sampleSeed)),
            "tokens_per_share": ["top": JSONValue(armTokens["top"] ?? 0), "random": JSONValue(armTokens["random"] ?? 0)],
            "model": ["layers": JSONValue(options.model.layers), "heads": JSONValue(options.model.heads),
                      "width": JSONValue(options.model.channels), "context": JSONValue(options.model.contextLength)],
            "steps": JSONValue(t.steps), "batch": JSONValue(t.batch), "length": JSONValue(t.length),
            "training_tokens": JSONValue(t.steps * t.batch * t.length * t.gradAccum),
            "runs": .array(results.map { r in
                ["share": .string(r.arm), "seed": JSONValue(Int(r.seed)), "val_loss": JSONValue(r.validationLoss), "bits_per_byte": JSONValue(r.bitsPerByte)]
            }),
            "mean_bits_per_byte": ["top": JSONValue(mean("top")), "random": JSONValue(mean("random"))],
            "difference_bits_per_byte": JSONValue(mean("top") - mean("random")),
        ]
    }
}
