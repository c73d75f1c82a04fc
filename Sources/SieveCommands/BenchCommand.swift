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
            Example: sieve bench filters --input fixtures/jsonl/dolma-cc-2019-30.jsonl.gz --rounds 5
            Runs FineWeb's filter chain (url, Gopher, C4, FineWeb) over the documents in memory, on one core.
            """)

    @Argument(help: "What to measure: ndjson, filters.") var what: String
    @Option(help: "Input JSONL file (default: built from --source).") var input: String?
    @Option(help: "Real documents to build the input from.") var source = "fixtures/jsonl/dolma-cc-sample.jsonl.gz"
    @Option(help: "Size of the built input.") var size = "1GB"
    @Option(help: "Passes over the input (filters).") var rounds = 5

    func run() throws {
        if what == "filters" {
            for result in try Benchmarks.filters(path: input ?? "fixtures/jsonl/dolma-cc-2019-30.jsonl.gz", rounds: rounds) { print(result) }
            return
        }
        guard what == "ndjson" else { throw SieveError.usage("sieve bench: unknown benchmark '\(what)' (known: ndjson, filters)") }
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
