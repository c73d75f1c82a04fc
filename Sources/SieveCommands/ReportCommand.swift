import ArgumentParser
import SieveCore
import SievePipeline

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page (inline SVG charts) about a finished run.",
        discussion: """
        Funnel of documents and bytes per step, drop reasons, languages, quality scores with the cut,
        duplicate cluster sizes, tokens per shard, training/validation loss of a pretrain run kept
        under the run directory, throughput per step (timings.json), wall time per phase, and the
        ablation of sieve ablate (ablation.json).
        Example: sieve report runs/web            (writes runs/web/report.html)
        """)

    @Argument(help: "The run directory.") var directory: String
    @Option(name: .shortAndLong, help: "Where to write the page (default: RUN/report.html).") var output: String?

    func run() throws {
        print(try RunReport.write(run: directory, output: output))
    }
}
