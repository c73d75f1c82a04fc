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

    @Argument(help: "The pipeline file (YAML), or the directory of a run to resume.") var pipeline: String
    @Option(help: "Number of tasks the inputs are split into (default: the file's 'tasks', else 1).") var tasks: Int?
    @Option(help: "Tasks run at once.") var workers: Int = 1
    @Option(help: "Run directory (default: runs/NAME).") var runDir: String?
    @Option(help: "Where tasks run: local, or slurm (one job array per phase).") var executor: String = "local"
    @Option(help: "Slurm partition (overrides the pipeline file's slurm: partition).") var partition: String?
    @Option(help: "Slurm time limit per task, e.g. 2:00:00.") var time: String?
    @Option(help: "Slurm memory per task, e.g. 4G.") var mem: String?
    @Option(help: "Slurm CPUs per task.") var cpusPerTask: Int?
    @Option(help: "Another #SBATCH option, e.g. --sbatch=--qos=low (repeatable).") var sbatch: [String] = []
    @Flag(help: "With --executor slurm: wait until the run has finished and print its status.") var wait = false
    @Flag(help: "Run the tasks that failed (and any not yet run) again.") var retryFailed = false
    @Flag(help: .hidden) var logToRunDir = false
    @Flag(help: .hidden) var finalize = false
    @Flag(help: "Print the plan (tasks, inputs, outputs) and do nothing.") var dryRun = false
    @Flag(help: "Start the run over if the pipeline file or inputs changed since it began.") var allowChangedSpec = false
    @Option(help: .hidden) var phase: String?
    @Option(help: .hidden) var task: Int?

    func run() throws {
        Interruption.install()
        // A run directory stands for its own copy of the pipeline file.
        let isRunDirectory = FileSystem.isDirectory(pipeline) && FileSystem.exists(pipeline + "/spec.yaml")
        let specPath = isRunDirectory ? pipeline + "/spec.yaml" : pipeline
        // A task of a run: the parent checked the file before starting it.
        let spec = try PipelineSpec.load(specPath, validate: task == nil)
        guard tasks.map({ $0 >= 1 }) ?? true else { throw SieveError.usage("--tasks must be at least 1") }
        guard workers >= 1 else { throw SieveError.usage("--workers must be at least 1") }
        guard ["local", "slurm"].contains(executor) else { throw SieveError.usage("--executor: '\(executor)' is not one of local, slurm") }
        let directory = runDir ?? (isRunDirectory ? pipeline : "runs/\(spec.name)")
        let run = try Run(spec: spec, directory: directory, tasks: tasks ?? (isRunDirectory ? Run.recordedTasks(directory) : nil))

        if let task {
            let p = try phase.map { name in
                guard let p = run.phase(named: name) else {
                    throw SieveError.usage("--phase: no phase '\(name)' (phases: \(run.phases.map(\.name).joined(separator: ", ")))")
                }
                return p
            } ?? 0
            let tasks = run.phases[p].tasks
            guard (0..<tasks).contains(task) else { throw SieveError.usage("--task \(task) is not in 0..<\(tasks)") }
            if logToRunDir { try Log.redirect(to: run.logPath(phase: p, task: task)) }
            if run.isComplete(phase: p, task: task) {
                return Log.info("\(run.phases[p].name) task \(task): already complete")
            }
            Log.info("\(run.phases[p].name) task \(task): started")
            try run.runTask(phase: p, task: task)
            Log.info("\(run.phases[p].name) task \(task): done")
            return
        }
        if finalize { return try finish(run) }
        if dryRun { return printPlan(run) }

        try FileSystem.createDirectory(run.directory)
        try run.lock()
        try run.prepare(allowChangedSpec: allowChangedSpec)
        if retryFailed { Log.info("retrying: \(run.totalTasks - run.completedTasks) tasks are not complete") }
        if executor == "slurm" { return try submitToSlurm(run) }
        let pending = run.totalTasks - run.completedTasks
        if pending == 0 {
            Log.info("nothing to do: all \(run.totalTasks) tasks of \(run.directory) are complete")
        } else {
            if pending < run.totalTasks { Log.info("resuming: \(run.completedTasks) of \(run.totalTasks) tasks already complete") }
            let progress = RunProgress()
            let failures = try LocalExecutor(run: run, workers: workers).execute(specPath: run.specPath) { done, total in
                guard Log.isTerminal else { return }
                Log.write("\r" + RunProgress.fit("sieve: " + progress.line(run: run, done: done, total: total)) + "\u{1B}[K" + (done == total ? "\n" : ""))
            }
            if !failures.isEmpty {
                for f in failures {
                    Log.info("\(run.phases[f.phase].name) task \(f.task) failed (exit \(f.status)): \(f.lastLogLine)  [\(run.logPath(phase: f.phase, task: f.task))]")
                }
                throw SieveError.failed("\(failures.count) tasks of phase \(run.phases[failures[0].phase].name) failed; fix the cause and run the same command again to resume")
            }
            try finish(run, progress: progress)
            return
        }
        try finish(run)
    }

    /// Merges the stats and says where the outputs are.
    private func finish(_ run: Run, progress: RunProgress? = nil) throws {
        let spec = run.spec
        guard run.completedTasks == run.totalTasks else {
            throw SieveError.failed("\(run.directory): \(run.totalTasks - run.completedTasks) tasks are not complete (see sieve status \(run.directory))")
        }
        let stats = try run.mergeStats()
        try run.mergeTimings()
        for s in stats { Log.info(summary(s)) }
        if let progress { Log.info(progress.summary(stats: stats)) }
        for step in spec.steps {
            var params = step.params
            if let path = try? params.string("path") {
                print("\(step.name): \(StepContext(outputRoot: run.directory).outputPath(path))")
            }
        }
        print("stats: \(run.mergedStatsPath)")
        print("timings: \(run.mergedTimingsPath) (sieve stats \(run.directory) --timings)")
    }

    /// Submits the phases as Slurm job arrays; with `--wait`, follows them to the end.
    private func submitToSlurm(_ run: Run) throws {
        var options = run.spec.slurm
        if let partition { options.partition = partition }
        if let time { options.time = time }
        if let mem { options.memory = mem }
        if let cpusPerTask { options.cpusPerTask = cpusPerTask }
        options.extra += sbatch
        let submissions = try SlurmExecutor(run: run, specPath: run.specPath, options: options).submit()
        for s in submissions { Log.info("submitted \(s.phase): job \(s.jobIDs.joined(separator: ", "))") }
        print("slurm scripts and job ids: \(run.directory)/slurm; follow with: sieve status \(run.directory)")
        guard wait else { return }
        SlurmExecutor.waitUntilDone(run)
        let status = RunStatus(run)
        print(status.report)
        if !status.finished { throw SieveError.failed("the run did not finish; see the failed tasks above, then: sieve run \(run.directory) --executor slurm --retry-failed") }
    }

    private func printPlan(_ run: Run) {
        print("pipeline \(run.spec.name) (\(run.spec.file), sha256 \(run.spec.sha256.prefix(12)))")
        print("run directory: \(run.directory)")
        print("input: \(run.spec.inputFormat.name), \(run.inputs.count) files")
        print("steps: \(run.spec.steps.map(\.name).joined(separator: " → "))")
        print("tasks: \(run.tasks), workers: \(workers)")
        let names = run.spec.steps.map(\.name)
        for (p, phase) in run.phases.enumerated() {
            let done = phase.tasks - run.pendingTasks(phase: p).count
            print("phase \(phase.name): \(phase.tasks) tasks (\(done) complete); \(phase.describe(steps: names))")
            guard case .segment = phase.kind, p == 0 else { continue }
            for task in 0..<run.tasks {
                let files = run.files(ofTask: task)
                let state = run.isComplete(task: task) ? "complete" : "pending"
                print("  task \(task) [\(state)]: \(files.count) files: \(files.prefix(3).map(\.path).joined(separator: ", "))\(files.count > 3 ? ", …" : "")")
            }
        }
    }
}
