import ArgumentParser

struct LanguageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "language",
        abstract: "Identify documents' language (metadata.language, language_score); keep some (NDJSON in and out).",
        discussion: """
            Example: sieve extract < pages.jsonl | sieve language --keep en,de --min-score 0.65 | sieve write out/text
            Options: --keep LANG,LANG (default: keep all), --min-score X (0-1), --model FILE
            (default models/langid.tsv.gz, trained by scripts/train-langid), --max-chars N (default 2000),
            --stats FILE. Languages: see docs/language-id.md.
            """)

    @Argument(parsing: .allUnrecognized, help: "Step options as --key value.") var options: [String] = []

    func run() throws { try runStep("language", options) }
}
