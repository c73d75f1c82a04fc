import ArgumentParser
import SieveCore
import SieveModel

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Sample text from a checkpoint of 'sieve pretrain'.",
        discussion: """
            Example: sieve generate --checkpoint runs/shakespeare/checkpoints/step_000500 --prompt "ROMEO:" --max-tokens 200
            A byte-level checkpoint (trained with --text) takes and prints text; any other takes
            --prompt-tokens "id,id,..." and prints token ids.
            """)

    @Option(help: "Checkpoint directory (or a run directory: its latest checkpoint).") var checkpoint: String
    @Option(help: "Text to continue (byte-level checkpoints).") var prompt: String?
    @Option(help: "Token ids to continue, comma-separated.") var promptTokens: String?
    @Option(help: "Tokens to generate.") var maxTokens = 200
    @Option(help: "Sampling temperature (0: greedy).") var temperature = 1.0
    @Option(help: "Sample among the K most likely tokens (0: all).") var topK = 40
    @Option(help: "Seed for sampling.") var seed: UInt64 = 1337
    @Option(help: "Threads.") var threads = 2

    func run() throws {
        try Generation.run(checkpoint: checkpoint, prompt: prompt, promptTokens: promptTokens, maxTokens: maxTokens,
                           temperature: temperature, topK: topK, seed: seed, threads: threads)
    }
}
