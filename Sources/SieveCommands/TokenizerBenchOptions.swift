import ArgumentParser
import SievePipeline

/// The options of `sieve bench tokenizer`.
struct TokenizerBenchOptions: ParsableArguments {
    @Option(help: "tokenizer: text to train on, a sequence per line.") var trainInput = "/tmp/sieve-bench/prose-50MB.txt"
    @Option(help: "tokenizer: text to encode.") var encodeInput = "/tmp/sieve-bench/prose-100MB.txt"
    @Option(help: "tokenizer: vocabulary size.") var vocabSize = 8192
    @Option(help: "tokenizer: threads.") var trainThreads = 2
    @Option(help: "tokenizer: save the trained tokenizer.json here.") var saveTokenizer: String?

    func run() throws -> [Benchmarks.Result] {
        try Benchmarks.tokenizer(trainPath: trainInput, encodePath: encodeInput, vocabSize: vocabSize, threads: trainThreads,
                                 save: saveTokenizer)
    }
}
