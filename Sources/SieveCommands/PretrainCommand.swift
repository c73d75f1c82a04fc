import ArgumentParser
import SieveCore
import SieveIO
import SieveModel

struct PretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Train a GPT-2 model on token shards (llm.c format), on the CPU.",
        discussion: """
            Example: sieve pretrain --data out/tokens --out runs/gpt --layers 4 --heads 4 --width 256 --context 256 --steps 2000
                     sieve pretrain --text ../shared/data/prose/tinyshakespeare/input.txt --out runs/shakespeare --steps 500
                     sieve pretrain --out runs/gpt --resume --steps 4000
            --data takes directories, files or globs of .bin shards; names with "val" (else the first of
            several shards) are the validation set. --text trains byte-level (vocabulary 257) on a text file.
            The run directory gets run.json, log.jsonl (loss, tokens/s, MFU) and checkpoints/step_N/
            (model.safetensors + config.json, loadable by Hugging Face transformers; optimizer and loader state).
            """)

    @Option(help: "Token shards: directories, files or glob patterns (repeatable).") var data: [String] = []
    @Option(help: "Train byte-level on this text file instead (shards are written to RUN/data).") var text: String?
    @Option(help: "Run directory.") var out: String
    @Flag(help: "Continue the run in --out from its latest checkpoint (other options come from the run; --steps may raise the total).") var resume = false
    @Option(help: "A config.json (Hugging Face GPT-2 keys) for the model sizes.") var config: String?
    @OptionGroup var size: GPTSizeOptions
    @Option(help: "Vocabulary size (default: the shards' manifest.json, or 257 with --text).") var vocab: Int?
    @Option(help: "Tokens per sequence (default: the context).") var length: Int?
    @Option(help: "Optimizer steps.") var steps: Int?
    @Option(help: "Peak learning rate.") var lr = 3e-4
    @Option(help: "Final learning rate as a fraction of the peak (cosine decay).") var minLRFraction = 0.1
    @Option(help: "Warmup steps.") var warmup = 100
    @Option(help: "AdamW weight decay (matrices only).") var weightDecay = 0.1
    @Option(help: "Gradient clipping: global norm (0: off).") var gradClip = 1.0
    @Option(help: "Micro-batches per step.") var gradAccum = 1
    @Option(help: "Validation every N steps (0: never).") var valEvery = 100
    @Option(help: "Batches per validation.") var valBatches = 8
    @Option(help: "Checkpoint every N steps (0: only at the end).") var checkpointEvery = 0
    @Option(help: "random windows or sequential epochs.") var sampling = "random"
    @Option(help: "Seed for initialisation and data order.") var seed: UInt64 = 1337
    @Flag(help: "Progress on stderr even when it is not a terminal.") var progress = false

    func run() throws {
        if resume {
            try Trainer.resume(runDirectory: out, steps: steps).run(progress: progress || Log.isTerminal)
            return
        }
        try Trainer.refuseExistingRun(out)
        var options = TrainingOptions()
        var model = size.config(vocab: vocab ?? 0)
        if let config { model = try Checkpoint.readConfig(config) }
        if let text {
            let shards = try ByteTokens.writeShards(text: try FileSystem.readFile(text), directory: out + "/data")
            (options.train, options.validation) = ([shards.train], [shards.validation])
            model.tokenizer = "bytes"
            if vocab == nil && config == nil { model.vocabSize = ByteTokens.vocabSize }
        } else {
            guard !data.isEmpty else { throw SieveError.usage("sieve pretrain: give --data SHARDS or --text FILE") }
            (options.train, options.validation) = TokenData.split(try InputPaths.expand(data))
            if model.vocabSize == 0 { model.vocabSize = options.train.first.flatMap(TokenData.manifestVocabSize) ?? 0 }
            guard model.vocabSize > 0 else { throw SieveError.usage("sieve pretrain: no manifest.json beside the shards; give --vocab") }
        }
        guard let sampling = DataLoader.Sampling(rawValue: sampling) else { throw SieveError.usage("--sampling: random or sequential") }
        options.sampling = sampling
        options.batch = size.batch
        options.length = length ?? model.contextLength
        options.steps = steps ?? 1000
        (options.lr, options.minLRFraction, options.warmup) = (lr, minLRFraction, warmup)
        (options.adam.weightDecay, options.gradClip, options.gradAccum) = (weightDecay, gradClip, gradAccum)
        (options.valEvery, options.valBatches, options.checkpointEvery) = (valEvery, valBatches, checkpointEvery)
        (options.seed, options.threads) = (seed, size.threads)
        try Trainer(config: model, options: options, runDirectory: out).run(progress: progress || Log.isTerminal)
    }
}
