import SieveCore
import SieveTokenizer

/// Steps of SieveTokenizer: tokenizer training and tokenization.
let tokenizerSteps: [StepDefinition] = [
    StepDefinition(
        name: "train_tokenizer", summary: "train a byte-level BPE tokenizer.json on a deterministic sample of the documents (a phase barrier in a run)",
        keys: ["path", "vocab_size", "min_frequency", "special_tokens", "sample_bytes", "seed", "threads"],
        corpus: { params, context in TrainTokenizerCorpusStage(try tokenizerTraining(&params, context)) },
        product: { params in try params.requiredString("path") }
    ) { params, context in
        TrainTokenizerStage(try tokenizerTraining(&params, context))
    },
    StepDefinition(
        name: "tokenize", summary: "encode documents with a tokenizer.json into llm.c token shards + manifest.json",
        keys: ["tokenizer", "path", "max_shard_tokens", "val_tokens", "eot", "allow_special", "threads"], isSink: true
    ) { params, context in
        // `$NAME`: the tokenizer an earlier step of the run trains (its path under the run directory).
        let named = try params.requiredString("tokenizer")
        var tokenizerPath = named, recordedPath = named
        if named.hasPrefix("$") {
            guard let product = context.products[String(named.dropFirst())] else {
                throw (params.value("tokenizer")?.location ?? params.location).error(key: "tokenizer", "'\(named)' names no earlier step of this pipeline that writes a tokenizer (put a train_tokenizer step before tokenize)")
            }
            tokenizerPath = context.outputPath(product)
            recordedPath = product
        }
        let eot = try params.string("eot", default: "<|endoftext|>")
        let directory = context.outputPath(try params.requiredString("path"))
        let maxShardTokens = try params.int("max_shard_tokens", default: 100_000_000, range: 1...Int(Int32.max))
        let validationTokens = try params.int("val_tokens", default: 0, range: 0...Int(Int32.max))
        let allowSpecial = try params.bool("allow_special", default: false)
        let threads = try params.int("threads", default: 1, range: 1...64)
        // A pipeline file is checked before the run has trained its tokenizer.
        if named.hasPrefix("$"), context.isChecking { return TokenizerNotTrained(path: tokenizerPath) }
        let tokenizer = try Tokenizer.load(tokenizerPath)
        guard let eotID = tokenizer.id(of: eot) else {
            throw params.location.error(key: "eot", "'\(eot)' is not a token of \(tokenizerPath)")
        }
        let info = TokenManifest.Info(
            tokenizer: recordedPath, tokenizerSHA256: SHA256.hex(of: try FileSystem.readFile(tokenizerPath)),
            vocabSize: tokenizer.vocabSize, eotID: eotID)
        let options = TokenShardWriter.Options(directory: directory, prefix: context.shardPrefix,
                                               maxShardTokens: maxShardTokens, validationTokens: validationTokens)
        return TokenizeStage(tokenizer: tokenizer, writer: TokenShardWriter(options, info: info),
                             allowSpecial: allowSpecial, threads: threads)
    },
]

/// `train_tokenizer`'s parameters: `path` (tokenizer.json, under the run directory in a run),
/// `vocab_size` (default 8192), `min_frequency` (2), `special_tokens` ([<|endoftext|>]),
/// `sample_bytes` (1GB of text), `seed` (1), `threads` counting pre-tokens (2).
private func tokenizerTraining(_ params: inout StepParams, _ context: StepContext) throws -> TokenizerTraining {
    let path = context.outputPath(try params.requiredString("path"))
    let specials = try params.strings("special_tokens") ?? ["<|endoftext|>"]
    let vocabSize = try params.int("vocab_size", default: 8192, range: (257 + specials.count)...(1 << 24))
    let trainer = BPETrainer(vocabSize: vocabSize, minFrequency: Int64(try params.int("min_frequency", default: 2, range: 1...Int(Int32.max))),
                             specialTokens: specials)
    return TokenizerTraining(trainer: trainer, path: path, sampleBytes: Int(try params.bytes("sample_bytes", default: 1 << 30)),
                             seed: UInt64(try params.int("seed", default: 1, range: 0...Int.max)),
                             threads: try params.int("threads", default: 2, range: 1...64))
}

/// What checking a pipeline file builds for a `tokenize` whose tokenizer the run trains first:
/// its parameters are checked; it is never run (a task builds the real stage after training).
private struct TokenizerNotTrained: Stage {
    let path: String
    func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        throw SieveError.failed("\(path) is not trained yet")
    }
}
