import ArgumentParser

/// `sieve tokenizer`: byte-level BPE tokenizers and token shards.
struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Train a byte-level BPE tokenizer, encode with it, and reshape token shards.",
        discussion: """
            Example: sieve tokenizer train corpus/*.txt --vocab-size 8192 --output models/tokenizer.json
            Tokenize documents in a pipeline with the 'tokenize' step (see docs/tokenizer.md).
            """,
        subcommands: [TokenizerTrainCommand.self, TokenizerEncodeCommand.self, TokenizerShuffleCommand.self, TokenizerDecodeCommand.self])
}
