import ArgumentParser
import SieveCore
import SieveIO
import SievePipeline

struct MixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mix",
        abstract: "Combine text shards of several sources by weights or budgets into new shards plus mixture.json.",
        discussion: """
            Example: sieve mix out/mixed --source 'web=0.6@out/web' --source 'books=0.3@out/books/*.jsonl.zst' --source 'wiki=0.1@out/wiki' --unit bytes --total 2GB --seed 1

            A source is NAME=AMOUNT@PATHS (files, globs or folders, several separated by '|'). Amounts are weights (fractions of the output, summing to 1) or, with --budgets, amounts in --unit per source. A source short of its share is repeated (at most --max-repeat times); one with more is sampled, by a hash of --seed and each document's id. See docs/mixing.md; 'mix' is also a pipeline step.
            """)

    @Argument(help: "Output directory (shards and mixture.json).") var output: String
    @Option(help: "NAME=AMOUNT@PATHS (repeat for each source).") var source: [String] = []
    @Flag(help: "Amounts are budgets in --unit, not weights.") var budgets = false
    @Option(help: "docs, bytes or tokens.") var unit = "docs"
    @Option(help: "Size of the output in --unit (weights only); default: the most that repeats no source.") var total: String?
    @Option(help: "Seed of the sampling.") var seed: UInt64 = 0
    @Option(help: "Most copies of a source's documents.") var maxRepeat = 10.0
    @Option(help: "tokenizer.json to count tokens with.") var tokenizer: String?
    @Option(help: "jsonl, jsonl.gz or jsonl.zst.") var format = "jsonl.zst"
    @Option(help: "Roll to a new shard past this size.") var maxShardBytes = "256MB"

    func run() throws {
        var plan = MixPlan(sources: try source.map {
            guard let s = MixPlan.Source(compact: $0) else { throw SieveError.usage("--source '\($0)' is not NAME=AMOUNT@PATHS") }
            return s
        })
        plan.budgets = budgets
        guard let unit = MixPlan.Unit(rawValue: unit) else { throw SieveError.usage("--unit is docs, bytes or tokens") }
        plan.unit = unit
        plan.total = try total.map { guard let x = MixPlan.amount($0) else { throw SieveError.usage("--total '\($0)' is not an amount") }; return x }
        plan.seed = seed
        plan.maxRepeat = maxRepeat
        plan.tokenizer = tokenizer
        guard let format = ShardWriter.Format(rawValue: format) else { throw SieveError.usage("--format is jsonl, jsonl.gz or jsonl.zst") }
        guard let shardBytes = parseByteSize(maxShardBytes), shardBytes > 0 else { throw SieveError.usage("--max-shard-bytes '\(maxShardBytes)' is not a size") }
        let stats = try MixCorpusStage.mix(plan: plan, output: .init(directory: output, format: format, maxShardBytes: shardBytes))
        Log.info(summary(stats))
    }
}
