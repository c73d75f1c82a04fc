import ArgumentParser
import SieveCore
import SievePipeline

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline file: split the inputs into tasks, run them, resume what was left.",
        discussion: """
            Example: sieve run pipelines/jsonl-to-shards.yaml --tasks 8 --workers 2

            The run directory (default runs/NAME) holds the spec copy, completions/, stats/,
            stats.json, logs/ and relative outputs. Running again skips finished tasks.
            """)

    @Argument(help: "The pipeline file (YAML).") var pipeline: String
    @Option(help: "Number of tasks the inputs are split into (default: the file's 'tasks', else 1).") var tasks: Int?
    @Option(help: "Tasks run at once.") var workers: Int = 1
    @Option(help: "Run directory (default: runs/NAME).") var runDir: String?
    @Option(help: "Where tasks run: local.") var executor: String = "local"
    @Flag(help: "Print the plan (tasks, inputs, outputs) and do nothing.") var dryRun = false
    @Flag(help: "Start the run over if the pipeline file or inputs changed since it began.") var allowChangedSpec = false
    @Option(help: .hidden) var task: Int?

    func run() throws {
        let spec = try PipelineSpec.load(pipeline)
        guard tasks.map({ $0 >= 1 }) ?? true else { throw SieveError.usage("--tasks must be at least 1") }
        guard workers >= 1 else { throw SieveError.usage("--workers must be at least 1") }
        guard executor == "local" else { throw SieveError.usage("--executor: '\(executor)' is not available (known: local)") }
        let run = try Run(spec: spec, directory: runDir ?? "runs/\(spec.name)", tasks: tasks)

        if let task {
            guard (0..<run.tasks).contains(task) else { throw SieveError.usage("--task \(task) is not in 0..<\(run.tasks)") }
            Log.info("task \(task): \(run.files(ofTask: task).count) input files")
            try run.runTask(task)
            Log.info("task \(task): done")
            return
        }
        if dryRun { return printPlan(run) }

        try FileSystem.createDirectory(run.directory)
        try run.lock()
        try run.prepare(allowChangedSpec: allowChangedSpec)
        let pending = run.pendingTasks
        if pending.isEmpty {
            Log.info("nothing to do: all \(run.tasks) tasks of \(run.directory) are complete")
        } else {
            if pending.count < run.tasks { Log.info("resuming: \(run.tasks - pending.count) of \(run.tasks) tasks already complete") }
            let failures = try LocalExecutor(run: run, workers: workers).execute(specPath: pipeline) { done, total in
                if Log.isTerminal { Log.write("\rsieve: \(done)/\(total) tasks done") }
                if Log.isTerminal, done == total { Log.write("\n") }
            }
            if !failures.isEmpty {
                for f in failures {
                    Log.info("task \(f.task) failed (exit \(f.status)): \(f.lastLogLine)  [\(run.logPath(task: f.task))]")
                }
                throw SieveError.failed("\(failures.count) of \(pending.count) tasks failed; fix the cause and run the same command again to resume")
            }
        }
        let stats = try run.mergeStats()
        for s in stats { Log.info(summary(s)) }
        for step in spec.steps {
            var params = step.params
            if let path = try? params.string("path") {
                print("\(step.name): \(StepContext(outputRoot: run.directory).outputPath(path))")
            }
        }
        print("stats: \(run.mergedStatsPath)")
    }

    private func printPlan(_ run: Run) {
        print("pipeline \(run.spec.name) (\(run.spec.file), sha256 \(run.spec.sha256.prefix(12)))")
        print("run directory: \(run.directory)")
        print("input: \(run.spec.inputFormat.name), \(run.inputs.count) files")
        print("steps: \(run.spec.steps.map(\.name).joined(separator: " → "))")
        print("tasks: \(run.tasks), workers: \(workers)")
        for task in 0..<run.tasks {
            let files = run.files(ofTask: task)
            let state = run.isComplete(task: task) ? "complete" : "pending"
            print("  task \(task) [\(state)]: \(files.count) files: \(files.prefix(3).map(\.path).joined(separator: ", "))\(files.count > 3 ? ", …" : "")")
        }
    }
}
