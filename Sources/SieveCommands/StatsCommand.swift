import ArgumentParser
import SieveCore
import SievePipeline

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print a run's merged stats (RUN/stats.json) as a table, or as JSON; or its time per step.",
        discussion: """
            Example: sieve stats runs/web        sieve stats runs/web --json | jq .steps
                     sieve stats runs/web --timings   (seconds, documents and MB in and out, docs/s and MB/s per step)
            """)

    @Argument(help: "The run directory.") var directory: String
    @Flag(help: "Print the JSON as written by the run.") var json = false
    @Flag(help: "Print the time, documents and bytes per step (RUN/timings.json; with --json, as written) instead.") var timings = false

    func run() throws {
        if timings { return print(try RunTimings.render(run: directory, json: json), terminator: "") }
        print(try RunStatsTable.render(run: directory, json: json), terminator: "")
    }
}
