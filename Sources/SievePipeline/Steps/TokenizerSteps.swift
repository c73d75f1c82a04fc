import SieveCore
import SieveTokenizer

/// Steps of SieveTokenizer: tokenization.
let tokenizerSteps: [StepDefinition] = [
    StepDefinition(
        name: "tokenize", summary: "encode documents with a tokenizer.json into llm.c token shards + manifest.json",
        keys: ["tokenizer", "path", "max_shard_tokens", "val_tokens", "eot", "allow_special", "threads"], isSink: true
    ) { params, context in
        let tokenizerPath = try params.requiredString("tokenizer")
        let tokenizer = try Tokenizer.load(tokenizerPath)
        let eot = try params.string("eot", default: "<|endoftext|>")
        guard let eotID = tokenizer.id(of: eot) else {
            throw params.location.error(key: "eot", "'\(eot)' is not a token of \(tokenizerPath)")
        }
        let info = TokenManifest.Info(
            tokenizer: tokenizerPath, tokenizerSHA256: SHA256.hex(of: try FileSystem.readFile(tokenizerPath)),
            vocabSize: tokenizer.vocabSize, eotID: eotID)
        let options = TokenShardWriter.Options(
            directory: context.outputPath(try params.requiredString("path")), prefix: context.shardPrefix,
            maxShardTokens: try params.int("max_shard_tokens", default: 100_000_000, range: 1...Int(Int32.max)),
            validationTokens: try params.int("val_tokens", default: 0, range: 0...Int(Int32.max)))
        return TokenizeStage(tokenizer: tokenizer, writer: TokenShardWriter(options, info: info),
                             allowSpecial: try params.bool("allow_special", default: false),
                             threads: try params.int("threads", default: 1, range: 1...64))
    },
]
