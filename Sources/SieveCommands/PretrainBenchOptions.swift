import ArgumentParser
import SieveModel
import SievePipeline

/// The sizes of a GPT, shared by `sieve pretrain` and `sieve bench pretrain` (the model of
/// pipelines/ by default: 4 blocks, 4 heads, width 256, context 256).
struct GPTSizeOptions: ParsableArguments {
    @Option(help: "Transformer blocks.") var layers = 4
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "Width (channels).") var width = 256
    @Option(help: "Context length (learned positions).") var context = 256
    @Option(help: "Sequences per micro-batch.") var batch = 16
    @Option(help: "Threads (OpenBLAS and the rest).") var threads = 2

    func config(vocab: Int) -> GPTConfig { GPTConfig(vocabSize: vocab, contextLength: context, layers: layers, heads: heads, channels: width) }
}

/// The options of `sieve bench pretrain`.
struct PretrainBenchOptions: ParsableArguments {
    @Option(help: "pretrain: text to train on (byte tokens).") var text = "../shared/data/prose/tinyshakespeare/input.txt"
    @Option(help: "pretrain: vocabulary.") var vocab = 8192
    @Option(help: "pretrain: timed steps.") var steps = 10
    @OptionGroup var size: GPTSizeOptions

    func run() throws -> String {
        try Benchmarks.pretrain(text: text, config: size.config(vocab: vocab), batch: size.batch, steps: steps, threads: size.threads)
    }
}
