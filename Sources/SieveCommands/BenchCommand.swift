import ArgumentParser
import SieveCore
import SievePipeline

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and peak memory (build with -c release).",
        discussion: """
            Example: sieve bench ndjson --size 1GB
                     sieve bench tokenizer --input /tmp/sieve-bench/prose-50MB.txt --encode-input /tmp/sieve-bench/prose-100MB.txt
            Builds a JSONL file of the given size from real documents (repeated with new ids),
            then parses and re-serializes every line. Prints MB/s, docs/s and peak RSS.
            """)

    @Argument(help: "What to measure: ndjson, tokenizer.") var what: String
    @Option(help: "Input JSONL file (default: built from --source).") var input: String?
    @Option(help: "Real documents to build the input from.") var source = "fixtures/jsonl/dolma-cc-sample.jsonl.gz"
    @Option(help: "Size of the built input.") var size = "1GB"
    @Option(help: "tokenizer: text to encode (default: --input).") var encodeInput: String?
    @Option(help: "tokenizer: vocabulary size to train.") var vocabSize = 8192
    @Option(help: "tokenizer: threads.") var threads = 2

    func run() throws {
        if what == "tokenizer" {
            guard let input else { throw SieveError.usage("sieve bench tokenizer needs --input TEXT (see scripts/make-tokenizer-bench-input)") }
            for result in try Benchmarks.tokenizer(trainPath: input, encodePath: encodeInput ?? input, vocabSize: vocabSize,
                                                   threads: threads, save: nil) { print(result) }
            return
        }
        guard what == "ndjson" else { throw SieveError.usage("sieve bench: unknown benchmark '\(what)' (known: ndjson)") }
        let path: String
        if let input {
            path = input
        } else {
            guard let bytes = parseByteSize(size) else { throw SieveError.usage("--size: '\(size)' is not a size such as 1GB") }
            path = "/tmp/sieve-bench/ndjson-\(size).jsonl"
            Log.info("building \(path) from \(source) …")
            try Benchmarks.makeJSONL(from: source, to: path, bytes: bytes)
        }
        print(try Benchmarks.ndjson(path: path))
    }
}
