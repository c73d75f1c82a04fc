import ArgumentParser
import SieveCore
import SievePipeline

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Where a run stands: tasks done, running, waiting and failed per phase.",
        discussion: "Example: sieve status runs/web   (then, for failed tasks: sieve run runs/web --retry-failed)")

    @Argument(help: "The run directory.") var directory: String

    func run() throws {
        guard FileSystem.exists(directory + "/spec.yaml") else { throw SieveError.usage("\(directory): not a run directory (no spec.yaml)") }
        let spec = try PipelineSpec.load(directory + "/spec.yaml")
        let status = RunStatus(try Run(spec: spec, directory: directory, tasks: Run.recordedTasks(directory)))
        print(status.report)
    }
}
