import ArgumentParser
import SievePipeline

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "HTML documents in, their main text out (NDJSON on standard input and output).",
        discussion: """
            Example: sieve read warc dump.warc.gz | sieve extract --favor precision | sieve write out/text
            Options: --favor balanced|precision|recall, --links true|false (keep link text),
            --tables true|false, --max-html-bytes SIZE (default 8MB), --max-depth N (default 256),
            --stats FILE. The page title goes to metadata.title.
            """)

    @Argument(parsing: .allUnrecognized, help: "Step options as --key value.") var options: [String] = []

    func run() throws { try runStep("extract", options) }
}

/// Runs registered step `name` as a pipe stage with `--key value` options (and `--stats FILE`).
func runStep(_ name: String, _ options: [String]) throws {
    let (stats, rest) = try extractStatsOption(options)
    let step = try Registry.step(name, at: .commandLine("sieve \(name)"))
    try PipeRunner(statsPath: stats).run(step: step, params: try StepParams.commandLine(step: name, arguments: rest), patterns: [])
}
