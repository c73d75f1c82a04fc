import ArgumentParser
import SieveCore
import SievePipeline

struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read documents from files (any compression, detected by content) and print them as NDJSON.",
        discussion: """
            Example: sieve read warc 'dumps/*.warc.gz' --records response,resource | sieve write out/text
            Example: sieve read jsonl 'dumps/*.jsonl.gz' @more-files.txt --provenance=true
            Example: sieve read warc @warc.paths.gz --base-url https://data.commoncrawl.org/
            The format's options are its input keys as --key value or --key=value (see docs/readers.md);
            --stats FILE writes the reader's counters.
            Formats: \(Registry.inputs.values.sorted { $0.name < $1.name }.map { "\($0.name) (\($0.summary); keys: \($0.keys.joined(separator: ", ")))" }.joined(separator: "; "))
            """)

    @Argument(help: "Input format.") var format: String
    @Argument(parsing: .allUnrecognized, help: "Files, globs, directories, @lists, or - for standard input, and the format's options.")
    var arguments: [String] = []

    func run() throws {
        let (stats, rest) = try extractStatsOption(arguments)
        var paths: [String] = []
        var options: [String] = []
        var k = 0
        while k < rest.count {
            let a = rest[k]
            if a.hasPrefix("--"), a.count > 2 {
                options.append(a)
                if !a.contains("="), k + 1 < rest.count, !rest[k + 1].hasPrefix("--") {
                    options.append(rest[k + 1])
                    k += 1
                }
            } else {
                paths.append(a)
            }
            k += 1
        }
        let input = try Registry.input(format, at: .commandLine("sieve read"))
        var params = try StepParams.commandLine(step: "read", arguments: options)
        let baseURL = try params.string("base_url")
        try PipeRunner(statsPath: stats).read(format: input, params: params, patterns: paths, baseURL: baseURL)
    }
}
