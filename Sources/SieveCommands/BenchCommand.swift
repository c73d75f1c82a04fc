import ArgumentParser
import SieveCore
import SievePipeline

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and peak memory (build with -c release).",
        discussion: """
            Example: sieve bench ndjson --size 1GB
            Builds a JSONL file of the given size from real documents (repeated with new ids),
            then parses and re-serializes every line. Prints MB/s, docs/s and peak RSS.

            Example: python3 scripts/scorer_bench_inputs.py && sieve bench scorer
            Skip-gram training words/s per thread, quality scoring docs/s on one core, toxicity
            ROC-AUC on a held-out split (inputs under /tmp/sieve-bench/scorer).
            """)

    @Argument(help: "What to measure: ndjson, scorer.") var what: String
    @Option(help: "Input JSONL file (default: built from --source).") var input: String?
    @Option(help: "Real documents to build the input from.") var source = "fixtures/jsonl/dolma-cc-2019-30.jsonl.gz"
    @Option(help: "Size of the built input.") var size = "1GB"

    @Option(help: "scorer: where scripts/scorer_bench_inputs.py wrote its inputs.") var scorerInputs = "/tmp/sieve-bench/scorer"
    @Option(help: "scorer: threads for skip-gram training.") var threads = 2

    func run() throws {
        if what == "scorer" {
            let d = scorerInputs
            _ = try Benchmarks.scorer(corpus: d + "/books.jsonl", crawl: d + "/crawl.jsonl", toxicityTrain: d + "/davidson-train.jsonl",
                                      toxicityTest: d + "/davidson-test.jsonl", blocklist: d + "/ldnoobw-en.txt", threads: threads)
            return
        }
        guard what == "ndjson" else { throw SieveError.usage("sieve bench: unknown benchmark '\(what)' (known: ndjson, scorer)") }
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
