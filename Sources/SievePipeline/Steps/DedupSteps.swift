import SieveCore
import SieveDedup

/// Steps of SieveDedup: deduplication. Each runs as phases in a pipeline run (`CorpusStage`)
/// and as one streaming stage on the shell (`sieve dedup KIND`, `sieve filter dedup_KIND`).
let dedupSteps: [StepDefinition] = [
    StepDefinition(
        name: "dedup_minhash", summary: "remove near-duplicates: MinHash-LSH over word n-grams of simplified text",
        keys: ["ngram", "buckets", "hashes_per_bucket", "seed", "verify", "metadata", "mem"],
        corpus: { params, _ in
            MinHashCorpusStage(config: try minHashConfig(&params), options: try corpusOptions(&params))
        }
    ) { params, _ in
        MinHashStreamingStage(config: try minHashConfig(&params), metadata: try corpusOptions(&params).metadata)
    },
    StepDefinition(
        name: "dedup_exact", summary: "remove exact duplicates of the simplified text or of a metadata field (e.g. url)",
        keys: ["field", "normalize", "partitions", "metadata", "mem"],
        corpus: { params, _ in
            ExactCorpusStage(key: try exactKey(&params), partitions: try partitions(&params), options: try corpusOptions(&params))
        }
    ) { params, _ in
        _ = try partitions(&params)
        _ = try corpusOptions(&params)
        return ExactStreamingStage(key: try exactKey(&params))
    },
    StepDefinition(
        name: "dedup_lines", summary: "remove lines seen in earlier documents (CCNet), then documents left too short",
        keys: ["min_words", "partitions", "mem"],
        corpus: { params, _ in
            LineCorpusStage(hasher: try lineHasher(&params), partitions: try partitions(&params), options: try corpusOptions(&params))
        }
    ) { params, _ in
        _ = try partitions(&params)
        _ = try corpusOptions(&params)
        return LineStreamingStage(hasher: try lineHasher(&params))
    },
]

private func minHashConfig(_ params: inout StepParams) throws -> MinHashConfig {
    MinHashConfig(ngram: try params.int("ngram", default: 5, range: 1...64),
                  bands: try params.int("buckets", default: 14, range: 1...99),
                  rowsPerBand: try params.int("hashes_per_bucket", default: 8, range: 1...64),
                  seed: UInt64(try params.int("seed", default: 1, range: 0...Int.max)),
                  verify: try params.double("verify", default: 0, range: 0...1))
}

private func corpusOptions(_ params: inout StepParams) throws -> CorpusOptions {
    CorpusOptions(memoryBudget: try params.bytes("mem", default: 1 << 30), metadata: try params.bool("metadata", default: false))
}

private func partitions(_ params: inout StepParams) throws -> Int {
    try params.int("partitions", default: 8, range: 1...99)
}

private func exactKey(_ params: inout StepParams) throws -> ExactKey {
    ExactKey(field: try params.string("field"), normalize: try params.bool("normalize", default: true))
}

private func lineHasher(_ params: inout StepParams) throws -> LineHasher {
    LineHasher(minWords: try params.int("min_words", default: 50, range: 0...Int.max))
}
