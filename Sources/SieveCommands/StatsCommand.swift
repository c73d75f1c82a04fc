import ArgumentParser
import SieveCore
import SievePipeline

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print a run's merged stats (RUN/stats.json) as a table, or as JSON.",
        discussion: "Example: sieve stats runs/web        sieve stats runs/web --json | jq .steps")

    @Argument(help: "The run directory.") var directory: String
    @Flag(help: "Print the JSON as written by the run.") var json = false

    func run() throws {
        print(try RunStatsTable.render(run: directory, json: json), terminator: "")
    }
}
