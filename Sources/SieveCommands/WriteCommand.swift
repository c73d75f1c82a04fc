import ArgumentParser
import SieveCore
import SievePipeline

struct WriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write NDJSON documents from standard input into text shards.",
        discussion: """
            Example: sieve read jsonl in.jsonl.gz | sieve write out/text --format jsonl.zst --max-shard-bytes 256MB
            Options: --format jsonl|jsonl.gz|jsonl.zst (default jsonl.zst), --max-shard-bytes SIZE,
            --max-shard-docs N, --compression-level N, --prefix NAME (default part), --stats FILE.
            """)

    @Argument(help: "Output directory.") var path: String
    @Argument(parsing: .allUnrecognized, help: "Step options as --key value.") var options: [String] = []

    func run() throws {
        let (stats, rest) = try extractStatsOption(options)
        var params = try StepParams.commandLine(step: "write", arguments: rest)
        params.set("path", .scalar(path, .commandLine("sieve write")))
        try PipeRunner(statsPath: stats).run(step: try Registry.step("write", at: .commandLine("sieve")), params: params, patterns: [])
    }
}

/// Takes `--stats FILE` out of a step's `--key value` options.
func extractStatsOption(_ options: [String]) throws -> (String?, [String]) {
    var rest: [String] = []
    var stats: String?
    var k = 0
    while k < options.count {
        if options[k] == "--stats" {
            guard k + 1 < options.count else { throw SieveError.usage("--stats needs a file") }
            stats = options[k + 1]
            k += 2
        } else {
            rest.append(options[k])
            k += 1
        }
    }
    return (stats, rest)
}
