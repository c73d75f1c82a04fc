import ArgumentParser
import SieveCore
import SievePipeline
import SieveTokenizer

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Say what a file is and show a sample: dump, JSONL shard, token shard, checkpoint, tokenizer, scorer, run.",
        discussion: """
            Example: sieve inspect out/tokens/part_train_000000.bin --documents 3
                     sieve inspect fixtures/web/pages.warc.gz      sieve inspect runs/web/pretrain/checkpoint_000060
            The tokenizer is found in manifest.json beside the shard, or given with --tokenizer.
            """)

    @Argument(help: "The file to inspect.") var file: String
    @Option(help: "How many documents to show decoded.") var documents = 3
    @Option(help: "tokenizer.json to decode with (default: the one manifest.json names).") var tokenizer: String?

    func run() throws {
        let kinds: [(String, (String) throws -> String?)] = [
            ("token shard", { try TokenShardReport.describe($0, tokenizer: tokenizer, documents: documents) }),
        ] + Inspector.kinds.map { kind in (kind.name, { try kind.describe($0, documents) }) }
        for (_, describe) in kinds {
            if let report = try describe(file) {
                print(report, terminator: "")
                return
            }
        }
        throw SieveError.usage("sieve inspect: \(file): not a kind of file Sieve knows (known: \(kinds.map(\.0).joined(separator: ", ")))")
    }
}
