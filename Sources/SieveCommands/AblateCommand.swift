import ArgumentParser
import SieveCore
import SievePipeline

struct AblateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablate",
        abstract: "Judge curation by training: the same small GPT on the scorer's top share and on a random share.",
        discussion: """
            Example:
              sieve run pipelines/web-scored.yaml --run-dir runs/web-scored
              sieve ablate runs/web --documents 'runs/web-scored/out/text/*.jsonl' \\
                --tokenizer runs/web/tokenizer/tokenizer.json \\
                --reference fixtures/prose/tinyshakespeare-head.txt
              sieve report runs/web       (shows RUN/ablation.json)

            Takes the top --share of the pool by metadata.quality_score and a random share of the same size (--sample-seed), trains the same GPT for the same token budget (--steps × --batch × --context tokens) on each, once per seed (--seeds), and evaluates every model on the whole --reference text, which the scorer must never have seen, in bits per byte. Writes RUN/ablation.json; token shards and models go to RUN/ablation/.
            """)

    @Argument(help: "The run directory the result belongs to (RUN/ablation.json).") var directory: String
    @Option(help: "Scored documents: JSONL files or glob patterns (repeatable).") var documents: [String] = []
    @Option(help: "The held-out reference text (a plain text file).") var reference: String
    @Option(help: "A tokenizer.json (default: bytes, vocabulary 257).") var tokenizer: String?
    @Option(help: "The metadata key of the score.") var scoreKey = "quality_score"
    @Option(help: "The share of the pool each arm trains on.") var share = 0.5
    @Option(help: "Seed of the random share.") var sampleSeed: UInt64 = 1
    @Option(help: "Seeds of the models, comma-separated (one model per share and seed).") var seeds = "1,2"
    @Option(help: "Optimizer steps per model.") var steps = 60
    @Option(help: "Transformer blocks.") var layers = 2
    @Option(help: "Attention heads.") var heads = 2
    @Option(help: "Width (channels).") var width = 64
    @Option(help: "Context length = tokens per sequence.") var context = 64
    @Option(help: "Sequences per step.") var batch = 8
    @Option(help: "Peak learning rate.") var lr = 2e-3
    @Option(help: "Warmup steps.") var warmup = 10
    @Option(help: "Threads (OpenBLAS and the rest).") var threads = 2

    func run() throws {
        var options = Ablation.Options()
        (options.documents, options.reference, options.tokenizer, options.scoreKey) = (documents, reference, tokenizer, scoreKey)
        (options.share, options.sampleSeed) = (share, sampleSeed)
        options.seeds = try seeds.split(separator: ",").map { part in
            guard let seed = UInt64(part.filter { $0 != " " }) else { throw SieveError.usage("--seeds: '\(part)' is not a number") }
            return seed
        }
        (options.model.layers, options.model.heads, options.model.channels, options.model.contextLength) = (layers, heads, width, context)
        (options.training.steps, options.training.batch, options.training.length) = (steps, batch, context)
        (options.training.lr, options.training.warmup, options.training.threads) = (lr, warmup, threads)
        let ablation = try Ablation(options: options, run: directory)
        try ablation.execute()
        print("ablation: \(ablation.resultPath) (shown by sieve report \(directory))")
    }
}
