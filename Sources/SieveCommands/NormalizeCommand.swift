import ArgumentParser

struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Unicode clean-up of documents' text (NDJSON on standard input and output).",
        discussion: """
            Example: sieve extract < pages.jsonl | sieve normalize --form nfkc | sieve write out/text
            Options: --form nfc|nfkc|nfd|nfkd|none (default nfc), --mojibake, --controls, --invisible,
            --whitespace (each true|false, default true), --stats FILE.
            """)

    @Argument(parsing: .allUnrecognized, help: "Step options as --key value.") var options: [String] = []

    func run() throws { try runStep("normalize", options) }
}
