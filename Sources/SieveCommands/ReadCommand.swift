import ArgumentParser
import SieveCore
import SievePipeline

struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read documents from files (any compression, detected by content) and print them as NDJSON.",
        discussion: """
            Example: sieve read jsonl 'dumps/*.jsonl.gz' @more-files.txt | sieve write out/text
                     sieve read warc @warc.paths.gz --base-url https://data.commoncrawl.org/
            Formats: \(Registry.inputs.values.sorted { $0.name < $1.name }.map { "\($0.name) (\($0.summary))" }.joined(separator: "; "))
            """)

    @Argument(help: "Input format.") var format: String
    @Argument(help: "Files, globs, directories, @lists, or - for standard input.") var paths: [String] = []
    @Option(help: "Write the reader's stats as JSON to this file.") var stats: String?
    @Option(help: "Base URL for relative entries of @list files (Common Crawl paths files).") var baseURL: String?
    @Option(name: .customLong("provenance"), help: "Add source_file and source_line to metadata (jsonl).") var provenance: Bool?

    func run() throws {
        let input = try Registry.input(format, at: .commandLine("sieve read"))
        var params = StepParams(step: "read", location: .commandLine("sieve read"))
        if let provenance { params.set("provenance", .scalar(String(provenance), .commandLine("sieve read"))) }
        try PipeRunner(statsPath: stats).read(format: input, params: params, patterns: paths, baseURL: baseURL)
    }
}
