import ArgumentParser
import SieveCore
import SievePipeline

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and peak memory (build with -c release).",
        discussion: """
            Examples:
            sieve bench ndjson --size 1GB
                builds a JSONL file of that size from real documents (repeated with new ids), then
                parses and re-serializes every line
            sieve bench warc --input /tmp/sieve-bench/docs.warc.gz   (built by scripts/make-bench-warc)
                walks every record, then reads response records as documents; MB/s of record payload
            sieve bench extract [--input /tmp/sieve-bench/extraction.jsonl]   (built by scripts/build-extraction-bench)
                main-text extraction of HTML documents on one core
            sieve bench pretrain [--layers 4 --heads 4 --width 256 --context 256 --vocab 8192 --batch 16 --threads 2]
                GPT training steps: tokens/s and MFU against the measured sgemm peak
            sieve bench dedup --input /tmp/sieve-bench/dedup.jsonl --mem 256MB   (scripts/make-dedup-bench-input)
                MinHash signatures (MB/s per core) and every dedup phase's time
            sieve bench scorer   (inputs from python3 scripts/scorer_bench_inputs.py)
                skip-gram words/s per thread, scoring docs/s, toxicity ROC-AUC on a held-out split
            sieve bench filters --input fixtures/jsonl/dolma-cc-2019-30.jsonl.gz --rounds 5
                the FineWeb filter chain (URL, Gopher repetition and quality, C4, FineWeb quality)
            sieve bench pii --size 256MB
                the pii step over real documents
            sieve bench decontaminate [--input /tmp/sieve-bench/decontam/corpus.jsonl --eval /tmp/sieve-bench/decontam/evals.jsonl]
                index phase (time, size) and filter phase (docs/s per core) of the decontaminate step
                (inputs from scripts/make-decontam-bench-input; peer: Benchmarks/decontam_python.py)
            sieve bench read --input URL-OR-PATH
                reads an input to the end (scripts/bench-remote compares a loopback URL with the file)
            sieve bench tokenizer [--train-input /tmp/sieve-bench/prose-50MB.txt --encode-input /tmp/sieve-bench/prose-100MB.txt]
                BPE training (vocab 8192) and encoding (scripts/make-tokenizer-bench-input; peer: Benchmarks/tokenizer_hf.py)
            sieve bench mix --size 1GB
                sieve mix over three sources built from real documents (web, books, Wikipedia)
            sieve bench apply --size 256MB
                one scoring pass (FineWeb chain, mode annotate + attributes) against one apply pass
            sieve bench timings --input fixtures/jsonl/dolma-cc-2019-30.jsonl.gz --rounds 5
                the cost of sieve run's per-step timings: a chain of real steps untimed and timed
            Each prints MB/s, docs/s and peak RSS.
            """)

    @Argument(help: "What to measure: ndjson, warc, extract, filters, pretrain, dedup, scorer, pii, read, tokenizer, mix, apply, timings, decontaminate.") var what: String
    @Option(help: "Input file (default: built from --source).") var input: String?
    @Option(help: "Real documents to build the input from.") var source = "fixtures/jsonl/dolma-cc-2019-30.jsonl.gz"
    @Option(help: "Size of the built input.") var size = "1GB"
    @Option(help: "Memory budget of the dedup phases.") var mem = "256MB"
    @Option(help: "Passes over the input (filters).") var rounds = 5
    @Option(help: "decontaminate: evaluation files (repeatable).") var eval: [String] = ["/tmp/sieve-bench/decontam/evals.jsonl"]
    @Option(help: "scorer: where scripts/scorer_bench_inputs.py wrote its inputs.") var scorerInputs = "/tmp/sieve-bench/scorer"

    @OptionGroup var pretrain: PretrainBenchOptions
    @OptionGroup var tokenizer: TokenizerBenchOptions

    func run() throws {
        switch what {
        case "ndjson": print(try Benchmarks.ndjson(path: try jsonlInput()))
        case "pii": print(try Benchmarks.pii(path: try jsonlInput()))
        case "pretrain": print(try pretrain.run())
        case "filters":
            for result in try Benchmarks.filters(path: input ?? "fixtures/jsonl/dolma-cc-2019-30.jsonl.gz", rounds: rounds) { print(result) }
        case "scorer":
            let d = scorerInputs
            _ = try Benchmarks.scorer(corpus: d + "/books.jsonl", crawl: d + "/crawl.jsonl", toxicityTrain: d + "/davidson-train.jsonl",
                                      toxicityTest: d + "/davidson-test.jsonl", blocklist: d + "/ldnoobw-en.txt", threads: pretrain.size.threads)
        case "dedup":
            guard let input else { throw SieveError.usage("sieve bench dedup needs --input (build one with scripts/make-dedup-bench-input)") }
            guard let budget = parseByteSize(mem) else { throw SieveError.usage("--mem: '\(mem)' is not a size such as 256MB") }
            for line in try Benchmarks.dedup(path: input, memoryBudget: budget, work: "/tmp/sieve-bench/dedup-work") { print(line) }
        case "extract": print(try Benchmarks.extraction(path: input ?? "/tmp/sieve-bench/extraction.jsonl"))
        case "warc":
            guard let input else { throw SieveError.usage("sieve bench warc needs --input FILE (see scripts/make-bench-warc)") }
            for result in try Benchmarks.warc(path: input) { print(result) }
        case "tokenizer": for result in try tokenizer.run() { print(result) }
        case "mix": for result in try Benchmarks.mix(size: try byteSize(), work: "/tmp/sieve-bench/mix") { print(result) }
        case "apply": for result in try Benchmarks.apply(path: try jsonlInput(), work: "/tmp/sieve-bench/apply") { print(result) }
        case "timings":
            for line in try Benchmarks.timings(path: input ?? "fixtures/jsonl/dolma-cc-2019-30.jsonl.gz", rounds: rounds) { print(line) }
        case "decontaminate":
            guard let budget = parseByteSize(mem) else { throw SieveError.usage("--mem: '\(mem)' is not a size such as 256MB") }
            for line in try Benchmarks.decontamination(corpus: input ?? "/tmp/sieve-bench/decontam/corpus.jsonl", evals: eval, ngram: 13,
                                                       memoryBudget: budget, work: "/tmp/sieve-bench/decontam-work") { print(line) }
        case "read":
            guard let input else { throw SieveError.usage("sieve bench read needs --input URL-OR-PATH") }
            print(try Benchmarks.read(source: input))
        default:
            throw SieveError.usage("sieve bench: unknown benchmark '\(what)' (known: ndjson, warc, extract, filters, pretrain, dedup, scorer, pii, read, tokenizer, mix, apply, timings, decontaminate)")
        }
    }

    /// `--input`, or a JSONL file of `--size` built from `--source`.
    private func jsonlInput() throws -> String {
        if let input { return input }
        let bytes = try byteSize()
        let path = "/tmp/sieve-bench/ndjson-\(size).jsonl"
        Log.info("building \(path) from \(source) …")
        try Benchmarks.makeJSONL(from: source, to: path, bytes: bytes)
        return path
    }

    private func byteSize() throws -> Int64 {
        guard let bytes = parseByteSize(size) else { throw SieveError.usage("--size: '\(size)' is not a size such as 1GB") }
        return bytes
    }
}
