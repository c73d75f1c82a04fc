import ArgumentParser
import SieveCore
import SievePipeline

struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Run one step of the registry as a pipe stage: NDJSON in, NDJSON out.",
        discussion: """
            Example: sieve read jsonl in.jsonl.gz | sieve filter gopher_quality --rejected out/dropped | sieve write out/text
            The options are the step's keys as --key value (see 'sieve steps'); --stats FILE writes its counters.
            """)

    @Argument(help: "The step's name (see 'sieve steps').") var name: String
    @Argument(parsing: .allUnrecognized, help: "Step options as --key value.") var options: [String] = []

    func run() throws {
        let (stats, rest) = try extractStatsOption(options)
        let step = try Registry.step(name, at: .commandLine("sieve filter"))
        try PipeRunner(statsPath: stats).run(step: step, params: try StepParams.commandLine(step: name, arguments: rest), patterns: [])
    }
}
