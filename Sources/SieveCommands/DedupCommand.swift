import ArgumentParser
import SieveCore
import SievePipeline

struct DedupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Remove duplicates from an NDJSON stream: exact, lines or minhash (in memory; the first in input order survives).",
        discussion: """
            Example: sieve read jsonl dumps/*.jsonl.gz | sieve dedup minhash --metadata true | sieve write out/text
                     sieve dedup exact --field url < docs.jsonl > unique.jsonl
            The options are those of the steps dedup_exact, dedup_lines and dedup_minhash (see 'sieve steps').
            In 'sieve run' the same steps run as parallel phases over the whole corpus, memory-bounded.
            """)

    @Argument(help: "exact, lines or minhash.") var kind: String
    @Argument(parsing: .allUnrecognized, help: "Step options as --key value.") var options: [String] = []

    func run() throws {
        let (stats, rest) = try extractStatsOption(options)
        let name = "dedup_" + kind
        guard Registry.steps[name] != nil else { throw SieveError.usage("sieve dedup: unknown kind '\(kind)' (known: exact, lines, minhash)") }
        let step = try Registry.step(name, at: .commandLine("sieve dedup"))
        try PipeRunner(statsPath: stats).run(step: step, params: try StepParams.commandLine(step: name, arguments: rest), patterns: [])
    }
}
