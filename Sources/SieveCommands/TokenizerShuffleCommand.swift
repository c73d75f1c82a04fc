import ArgumentParser
import SieveCore
import SieveTokenizer

struct TokenizerShuffleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shuffle",
        abstract: "Shuffle the documents of a token-shard directory across new shards (seeded, deterministic).",
        discussion: """
            Example: sieve tokenizer shuffle out/tokens out/shuffled --seed 1337 --val-tokens 1000000
            Reads the shards listed in INPUT/manifest.json (those of every task of a run), permutes all
            documents, writes OUTPUT/part_{val,train}_NNNNNN.bin and OUTPUT/manifest.json.
            --megatron PREFIX also writes the result as Megatron-LM PREFIX.bin + PREFIX.idx.
            """)

    @Argument(help: "Directory with manifest.json and shards.") var input: String
    @Argument(help: "Directory for the shuffled shards.") var output: String
    @Option(help: "Seed of the permutation.") var seed: UInt64 = 1337
    @Option(help: "Most tokens per shard.") var maxShardTokens = 100_000_000
    @Option(help: "Tokens reserved for the validation shard 0 (0: none).") var valTokens = 0
    @Option(help: "Also export the shuffled documents as Megatron PREFIX.bin/.idx.") var megatron: String?

    func run() throws {
        let documents = try TokenDocuments(directory: input)
        let shards = try documents.shuffled(
            seed: seed, into: .init(directory: output, maxShardTokens: maxShardTokens, validationTokens: valTokens))
        Log.info("\(output): \(documents.count) documents in \(shards.count) shards")
        if let megatron { try TokenDocuments(directory: output).exportMegatron(prefix: megatron) }
    }
}
