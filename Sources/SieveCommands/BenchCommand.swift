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
            sieve bench dedup --input /tmp/sieve-bench/dedup.jsonl --mem 256MB: MinHash
            signatures (MB/s per core) and every dedup phase's time (scripts/make-dedup-bench-input).
            """)

    @Argument(help: "What to measure: ndjson, dedup.") var what: String
    @Option(help: "Input JSONL file (default: built from --source).") var input: String?
    @Option(help: "Real documents to build the input from.") var source = "fixtures/jsonl/dolma-cc-2019-30.jsonl.gz"
    @Option(help: "Size of the built input.") var size = "1GB"
    @Option(help: "Memory budget of the dedup phases.") var mem = "256MB"

    func run() throws {
        if what == "dedup" {
            guard let input else { throw SieveError.usage("sieve bench dedup needs --input (build one with scripts/make-dedup-bench-input)") }
            guard let budget = parseByteSize(mem) else { throw SieveError.usage("--mem: '\(mem)' is not a size such as 256MB") }
            for line in try Benchmarks.dedup(path: input, memoryBudget: budget, work: "/tmp/sieve-bench/dedup-work") { print(line) }
            return
        }
        guard what == "ndjson" else { throw SieveError.usage("sieve bench: unknown benchmark '\(what)' (known: ndjson, dedup)") }
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
