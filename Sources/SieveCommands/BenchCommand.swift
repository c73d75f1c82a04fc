import ArgumentParser
import SieveCore
import SievePipeline

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and peak memory (build with -c release).",
        discussion: """
            Example: sieve bench ndjson --size 1GB
            sieve bench extract [--input /tmp/sieve-bench/extraction.jsonl]: main-text extraction of HTML
            documents on one core (build the input with scripts/build-extraction-bench).
            ndjson: builds a JSONL file of the given size from real documents (repeated with new ids),
            then parses and re-serializes every line. Prints MB/s, docs/s and peak RSS.
            """)

    @Argument(help: "What to measure: ndjson, extract.") var what: String
    @Option(help: "Input JSONL file (default: built from --source).") var input: String?
    @Option(help: "Real documents to build the input from.") var source = "fixtures/jsonl/dolma-cc-sample.jsonl.gz"
    @Option(help: "Size of the built input.") var size = "1GB"

    func run() throws {
        if what == "extract" {
            // Input: HTML documents as NDJSON, built by scripts/build-extraction-bench.
            for result in try Benchmarks.extraction(path: input ?? "/tmp/sieve-bench/extraction.jsonl") { print(result) }
            return
        }
        guard what == "ndjson" else { throw SieveError.usage("sieve bench: unknown benchmark '\(what)' (known: ndjson, extract)") }
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
