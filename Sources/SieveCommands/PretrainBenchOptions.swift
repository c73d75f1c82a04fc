import ArgumentParser
import SieveModel
import SievePipeline

/// The options of `sieve bench pretrain` (the model of the issue by default).
struct PretrainBenchOptions: ParsableArguments {
    @Option(help: "pretrain: text to train on (byte tokens).") var text = "../shared/data/prose/tinyshakespeare/input.txt"
    @Option(help: "pretrain: blocks.") var layers = 4
    @Option(help: "pretrain: heads.") var heads = 4
    @Option(help: "pretrain: width.") var width = 256
    @Option(help: "pretrain: context.") var context = 256
    @Option(help: "pretrain: vocabulary.") var vocab = 8192
    @Option(help: "pretrain: batch.") var batch = 16
    @Option(help: "pretrain: timed steps.") var steps = 10
    @Option(help: "pretrain: threads.") var threads = 2

    func run() throws -> String {
        try Benchmarks.pretrain(text: text, config: GPTConfig(vocabSize: vocab, contextLength: context, layers: layers, heads: heads, channels: width),
                                batch: batch, steps: steps, threads: threads)
    }
}
