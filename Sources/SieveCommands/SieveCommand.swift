import ArgumentParser

/// `sieve`: web dumps in, pretraining data (and a model trained on it) out.
public struct SieveCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sieve",
        abstract: "Turn raw web dumps into pretraining data, stage by stage or as a whole pipeline.",
        discussion: """
            Whole pipeline:   sieve run pipelines/jsonl-to-shards.yaml --tasks 4 --workers 2
            Stage by stage:   sieve read jsonl dumps/*.jsonl.gz | sieve write out/text
            """,
        subcommands: [RunCommand.self, ReadCommand.self, WriteCommand.self, FilterCommand.self, StepsCommand.self, BenchCommand.self,
                      TokenizerCommand.self, InspectCommand.self,
                      ExtractCommand.self, NormalizeCommand.self, LanguageCommand.self,
                      PretrainCommand.self, GenerateCommand.self, DedupCommand.self, StatusCommand.self, ScorerCommand.self,
                      ReportCommand.self, StatsCommand.self, MixCommand.self, AblateCommand.self]
    )

    public init() {}
}
