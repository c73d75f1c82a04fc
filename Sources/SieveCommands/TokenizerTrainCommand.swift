import ArgumentParser
import SieveCore
import SieveIO
import SieveTokenizer

struct TokenizerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a byte-level BPE tokenizer (GPT-2 scheme) and save it as tokenizer.json.",
        discussion: """
            Example: sieve tokenizer train prose/*.txt.gz --vocab-size 8192 --min-frequency 2 --output tokenizer.json
            Text files: each line is a sequence (as tokenizers' train(files)); JSONL: each document's text.
            The result loads in Hugging Face tokenizers (Tokenizer.from_file) and encodes identically.
            """)

    @Argument(help: "Input files, globs or directories ('-' for standard input).") var inputs: [String]
    @Option(name: .shortAndLong, help: "Where to write tokenizer.json.") var output = "tokenizer.json"
    @Option(help: "Vocabulary size, special tokens and the 256 bytes included.") var vocabSize = 8192
    @Option(help: "Fewest occurrences of a pair to merge it.") var minFrequency = 2
    @Option(name: .customLong("special"), help: "A special token (repeat for more).") var specials: [String] = ["<|endoftext|>"]
    @Option(help: "Input format: text or jsonl (default: jsonl for .jsonl/.json names, else text).") var format: String?
    @Option(help: "Threads counting pre-tokens.") var threads = 2

    func run() throws {
        let paths = try InputPaths.expand(inputs)
        let chosen = format ?? (paths.allSatisfy { $0.contains(".jsonl") || $0.contains(".json") } ? "jsonl" : "text")
        guard let corpusFormat = TrainingCorpus.Format(rawValue: chosen) else { throw SieveError.usage("--format: '\(chosen)' is not text or jsonl") }
        guard vocabSize > 256 + specials.count else { throw SieveError.usage("--vocab-size must exceed 256 + the special tokens") }
        var stats = StageStats(name: "tokenizer_train")
        let trainer = BPETrainer(vocabSize: vocabSize, minFrequency: Int64(max(1, minFrequency)), specialTokens: specials)
        let tokenizer = try trainer.train(paths, corpus: TrainingCorpus(format: corpusFormat, threads: max(1, threads)), stats: &stats) { bytes in
            if Log.isTerminal { Log.write("\rsieve: counted \(bytes / 1_000_000) MB") }
        }
        if Log.isTerminal { Log.write("\n") }
        try tokenizer.save(output)
        Log.info("\(output): vocabulary \(tokenizer.vocabSize), \(tokenizer.merges.count) merges, from \(stats["documents"]) sequences, "
                 + "\(stats["bytes"]) bytes, \(stats["distinct_pretokens"]) distinct pre-tokens")
    }
}
