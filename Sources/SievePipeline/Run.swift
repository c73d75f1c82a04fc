#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// A run of a pipeline file: its directory and everything in it (DESIGN §6).
///
/// ```
/// RUN/spec.yaml        copy of the pipeline file      RUN/spec.sha256
/// RUN/plan.json        inputs, phases and their tasks
/// RUN/completions/     task_00000 … (first phase), PHASE_task_00000 … (later phases): empty markers
/// RUN/stats/           the same names .json (per task and step), merged into RUN/stats.json
/// RUN/logs/            the same names .log (each task's standard error)
/// RUN/work/            intermediate files of corpus-wide steps (K-NAME/ per step)
/// RUN/<outputs>        relative output paths of the steps
/// ```
///
/// Input file i goes to task i mod N. Outputs are named by input file, not by task, so the
/// same inputs and spec give byte-identical outputs for any number of tasks and workers.
///
/// A step that needs the whole corpus (`CorpusStage`: dedup, …) splits the steps into
/// phases with a barrier after each (see `Phase`); the first phase is `map`, and with no such
/// step it is the only one.
public struct Run: Sendable {
    public let spec: PipelineSpec
    public let directory: String
    public let inputs: [String]
    public let tasks: Int
    public let phases: [Phase]
    /// The run form of each corpus-wide step, by step index.
    let corpusStages: [Int: any CorpusStage]

    public init(spec: PipelineSpec, directory: String, tasks: Int?) throws {
        self.spec = spec
        self.directory = directory
        inputs = try InputPaths.expand(spec.inputPatterns, baseURL: spec.inputBaseURL)
        guard !inputs.isEmpty else { throw SieveError.usage("\(spec.file): the input paths match no file") }
        let tasks = min(max(tasks ?? spec.tasks ?? 1, 1), inputs.count)
        self.tasks = tasks
        var corpus: [Int: any CorpusStage] = [:]
        for (k, step) in spec.steps.enumerated() {
            corpus[k] = try step.definition.makeCorpus(step.params, context: StepContext(outputRoot: directory))
        }
        corpusStages = corpus
        phases = Phase.plan(steps: spec.steps.map(\.name), corpus: corpus, tasks: tasks)
    }

    public func files(ofTask task: Int) -> [(index: Int, path: String)] {
        stride(from: task, to: inputs.count, by: tasks).map { ($0, inputs[$0]) }
    }

    public func phase(named name: String) -> Int? { phases.firstIndex { $0.name == name } }

    /// `task_00003` in the first phase (as a run of one phase has always named it), `PHASE_task_00003` after.
    func taskName(phase: Int, task: Int) -> String {
        (phase == 0 ? "" : phases[phase].name + "_") + "task_" + zeroPadded(task, 5)
    }

    public var specPath: String { directory + "/spec.yaml" }

    /// The task count recorded in a run directory's plan, if any.
    public static func recordedTasks(_ directory: String) -> Int? {
        guard let text = try? FileSystem.readText(directory + "/plan.json") else { return nil }
        return (try? JSONParser.parse(text))?.objectValue?["tasks"]?.intValue
    }
    public func completionPath(phase: Int = 0, task: Int) -> String { directory + "/completions/" + taskName(phase: phase, task: task) }
    public func statsPath(phase: Int = 0, task: Int) -> String { directory + "/stats/" + taskName(phase: phase, task: task) + ".json" }
    public func logPath(phase: Int = 0, task: Int) -> String { directory + "/logs/" + taskName(phase: phase, task: task) + ".log" }
    public var mergedStatsPath: String { directory + "/stats.json" }
    /// A task's timings (`TaskTimings`), beside its stats; merged into `timings.json`.
    public func timingsPath(phase: Int = 0, task: Int) -> String { directory + "/stats/" + taskName(phase: phase, task: task) + ".timings.json" }
    public var mergedTimingsPath: String { directory + "/timings.json" }
    /// Where corpus-wide step `step` keeps its intermediate files.
    public func workDirectory(step: Int) -> String {
        directory + "/work/" + zeroPadded(step, 2) + "-" + spec.steps[step].name
    }
    /// The documents of input file `file` staged for corpus-wide step `step`.
    func stagedPath(step: Int, file: Int) -> String {
        workDirectory(step: step) + "/staged/" + zeroPadded(file, 5) + ".jsonl.zst"
    }

    public func isComplete(phase: Int = 0, task: Int) -> Bool { FileSystem.exists(completionPath(phase: phase, task: task)) }
    public func pendingTasks(phase: Int = 0) -> [Int] { (0..<phases[phase].tasks).filter { !isComplete(phase: phase, task: $0) } }
    public var pendingTasks: [Int] { pendingTasks(phase: 0) }
    public var totalTasks: Int { phases.reduce(0) { $0 + $1.tasks } }
    public var completedTasks: Int { phases.indices.reduce(0) { $0 + phases[$1].tasks - pendingTasks(phase: $1).count } }

    /// The plan as JSON: what a resumed run must agree with.
    var planJSON: JSONValue {
        ["spec_sha256": .string(spec.sha256), "tasks": JSONValue(tasks), "inputs": .array(inputs.map { .string($0) }),
         "phases": .array(phases.map { ["name": .string($0.name), "tasks": JSONValue($0.tasks)] })]
    }

    /// Creates the directory or checks that an existing one belongs to the same spec and plan.
    /// A changed spec is refused unless `allowChangedSpec`, which starts the run over.
    public func prepare(allowChangedSpec: Bool) throws {
        for sub in ["completions", "stats", "logs"] { try FileSystem.createDirectory(directory + "/" + sub) }
        let planPath = directory + "/plan.json"
        let plan = JSONWriter.string(planJSON) + "\n"
        if FileSystem.exists(planPath) {
            let previous = try FileSystem.readText(planPath)
            if previous != plan {
                let oldSpec = (try? JSONParser.parse(previous))?.objectValue?["spec_sha256"]?.stringValue
                let what = oldSpec != spec.sha256 ? "the pipeline file changed" : "the inputs or --tasks changed"
                guard allowChangedSpec else {
                    throw SieveError.usage("\(directory): \(what) since this run started; pass --allow-changed-spec to start it over, or use another --run-dir")
                }
                Log.warning("\(what); starting \(directory) over")
                for sub in ["completions", "stats", "work", "checkpoints"] { try FileSystem.removeTree(directory + "/" + sub) }
                for sub in ["completions", "stats"] { try FileSystem.createDirectory(directory + "/" + sub) }
            }
        }
        try FileSystem.writeFile(specPath, Array(spec.text.utf8))
        try FileSystem.writeFile(directory + "/spec.sha256", Array((spec.sha256 + "\n").utf8))
        try FileSystem.writeFile(planPath, Array(plan.utf8))
    }

    /// Runs one task of one phase in this process, then writes its stats and its completion
    /// marker (last, so a killed task is simply run again).
    public func runTask(phase p: Int = 0, task: Int, progress: ((Int64) -> Void)? = nil) throws {
        // Stats are kept per pipeline position (0: the reader, k + 1: step k) so tasks of every
        // phase merge by adding.
        var stats = [StageStats(name: "read")] + spec.steps.map { StageStats(name: $0.name) }
        let names = stats.map(\.name)
        switch phases[p].kind {
        case let .segment(from, steps, into):
            // What the task reads: its input files, or the documents staged for step `from`.
            let sources = files(ofTask: task).map { file in (file.index, file.path, from.map { stagedPath(step: $0, file: file.index) }) }
            let timer = TaskTimer(path: timingsPath(phase: p, task: task), phase: phases[p].name, task: task, names: names,
                                  inputBytes: sources.reduce(0) { $0 + (FileSystem.size($1.2 ?? $1.1) ?? 0) })
            for (index, path, staged) in sources {
                let size = FileSystem.size(staged ?? path) ?? 0
                // A file finished before the task was killed is not read again: its stats are kept.
                let done = checkpointPath(phase: p, file: index, done: true)
                if let saved = try? TaskCheckpoint.load(done) {
                    for k in stats.indices where k < saved.stats.count { stats[k].merge(saved.stats[k]) }
                    timer.fileDone(bytes: size)
                    continue
                }
                var fileStats = stats.map { StageStats(name: $0.name) }
                try runSegment(phase: p, file: index, path: path, from: from, steps: steps, into: into, stats: &fileStats,
                               timer: timer, progress: progress)
                timer.fileDone(bytes: size)
                try TaskCheckpoint(input: 0, shards: 0, skip: 0, stats: fileStats).save(done)
                FileSystem.remove(checkpointPath(phase: p, file: index, done: false))
                for k in stats.indices { stats[k].merge(fileStats[k]) }
            }
            try timer.finish()
        case let .reduce(step, index):
            let timer = TaskTimer(path: timingsPath(phase: p, task: task), phase: phases[p].name, task: task, names: names, inputBytes: 0)
            var timing = StepTiming(name: names[step + 1])
            let start = StepTiming.Clock.now()
            try corpusStages[step]!.reduce(phase: index, task: task, work: workDirectory(step: step), stats: &stats[step + 1])
            timing.addTime(since: start)
            try timer.finish(reduce: timing, position: step + 1)
        }
        let json: JSONValue = ["phase": .string(phases[p].name), "task": JSONValue(task), "steps": .array(stats.map(\.json))]
        try FileSystem.writeFile(statsPath(phase: p, task: task), Array((JSONWriter.string(json) + "\n").utf8))
        try FileSystem.writeFile(completionPath(phase: p, task: task), [])
    }

    /// Input file `file` through steps `steps`: read from the input (or, after corpus-wide step
    /// `from`, its staged documents through its filter), and staged for step `into` if any.
    private func runSegment(phase: Int, file: Int, path: String, from: Int?, steps: Range<Int>, into: Int?,
                            stats: inout [StageStats], timer: TaskTimer, progress: ((Int64) -> Void)?) throws {
        let context = StepContext(outputRoot: directory, shardPrefix: zeroPadded(file, 5))
        var stages: [any Stage] = []
        var positions: [Int] = []
        if let from {
            stages.append(try corpusStages[from]!.filter(file: file, work: workDirectory(step: from)))
            positions.append(from + 1)
        }
        for k in steps {
            if let corpus = corpusStages[k], !corpus.needsDocuments {
                stages.append(try corpus.filter(file: file, work: workDirectory(step: k)))
            } else {
                var context = context
                context.products = PipelineSpec.products(of: spec.steps[..<k])
                stages.append(try spec.steps[k].definition.make(spec.steps[k].params, context: context))
            }
            positions.append(k + 1)
        }
        if let into {
            let collector = try corpusStages[into]!.collector(file: file, work: workDirectory(step: into))
            stages.append(try StagingStage(collector: collector, path: stagedPath(step: into, file: file)))
            positions.append(into + 1)
        }
        var chain = StageChain(stages, names: positions.map { stats[$0].name }, timed: true)
        var reader: any DocumentReader = from == nil ? try spec.inputFormat.make(spec.inputParams) : JSONLReader()
        let source = from.map { stagedPath(step: $0, file: file) } ?? path
        var readStats = StageStats(name: "read")
        var emitted = StageStats(name: "read")
        var batch: [Document] = []
        batch.reserveCapacity(Self.batchSize)

        // Resume inside the file: where the last shard completed, if the chain allows it.
        let writer = Self.resumableWriter(stages)
        let checkpoint = checkpointPath(phase: phase, file: file, done: false)
        var consumed = 0
        var toSkip = 0
        if let writer, let saved = try? TaskCheckpoint.load(checkpoint), saved.stats.count == stages.count + 1 {
            toSkip = saved.input
            consumed = saved.input
            emitted = saved.stats[0]
            chain.restore(stats: Array(saved.stats.dropFirst()), skipping: saved.input)
            writer.resume(completed: saved.shards, skip: saved.skip)
            Log.info("input \(file): resuming after \(saved.input) documents and \(saved.shards) complete shards")
        }
        // Reading is the time in the reader less the time in the chain. The reader of staged
        // documents counts as the corpus step's (its filter phase reads them), in time only; so
        // does the collector that stages them: a corpus step's documents are those its filter passes.
        let readPosition = from.map { $0 + 1 } ?? 0
        var read = StepTiming(name: stats[readPosition].name)
        let readStart = StepTiming.Clock.now()
        func timings() -> [Int: StepTiming] {
            var reading = StepTiming(name: read.name)
            reading.addTime(since: readStart)
            for t in chain.timings {
                reading.wallSeconds -= t.wallSeconds
                reading.cpuSeconds -= t.cpuSeconds
            }
            if from == nil { (reading.documentsOut, reading.bytesOut) = (read.documentsOut, read.bytesOut) }
            var current = [readPosition: reading]
            for (k, position) in positions.enumerated() {
                var t = chain.timings[k]
                // Documents staged for a corpus step are counted when its filter phase passes them.
                if position == into.map({ $0 + 1 }) { t = StepTiming(name: t.name, wallSeconds: t.wallSeconds, cpuSeconds: t.cpuSeconds) }
                current[position, default: StepTiming(name: t.name)].merge(t)
            }
            return current
        }
        // The reader reads the file from its start again (its own counts, of skipped lines and
        // the like, cover the whole file); the documents before the checkpoint are not processed.
        do {
            try reader.read(source, stats: &readStats) { doc in
                if toSkip > 0 {
                    toSkip -= 1
                    return
                }
                batch.append(doc)
                if batch.count == Self.batchSize {
                    if LocalExecutor.parentIsGone { throw SieveError.failed("the sieve run that started this task has gone") }
                    if let signal = Interruption.signal { throw SieveError.failed("stopped by \(Interruption.name(signal)) after a batch; the task is not complete") }
                    let before = [emitted] + chain.stats
                    for doc in batch { emitted.count(doc) }
                    let shardsBefore = writer?.shards.count ?? 0
                    writer?.beginBatch()
                    try chain.process(batch)
                    if let writer, writer.shards.count > shardsBefore {
                        // A shard completed in this batch: a kill from now on costs at most what follows it.
                        try TaskCheckpoint(input: consumed, shards: writer.shards.count, skip: writer.inCompletedShards, stats: before)
                            .save(checkpoint)
                    }
                    consumed += batch.count
                    read.documentsOut += Int64(batch.count)
                    read.bytesOut += textBytes(batch)
                    batch.removeAll(keepingCapacity: true)
                    progress?(Int64(Self.batchSize))
                    timer.batch(current: timings(), file: source)
                }
            }
        } catch let error as SieveError {
            throw error
        } catch {
            throw SieveError.failed("\(source): \(error)")
        }
        for doc in batch { emitted.count(doc) }
        read.documentsOut += Int64(batch.count)
        read.bytesOut += textBytes(batch)
        try chain.process(batch)
        progress?(Int64(batch.count))
        try chain.finish()
        timer.add(timings())
        for (k, position) in positions.enumerated() { stats[position].merge(chain.stats[k]) }
        if from == nil {
            readStats.merge(emitted)
            readStats.add("files")
            stats[0].merge(readStats)
        } else if readStats["skipped"] > 0 {
            throw SieveError.corrupt(path: source, offset: 0, message: "staged documents could not be read back; delete the run's work/ folder and run again")
        }
    }

    public static let batchSize = 256

    /// Where a task keeps its place in input file `file` of phase `phase`: `done` once the file
    /// is finished (with its stats), else after the last completed output shard.
    func checkpointPath(phase: Int, file: Int, done: Bool) -> String {
        directory + "/checkpoints/" + phases[phase].name + "/file_" + zeroPadded(file, 5) + (done ? ".done.json" : ".json")
    }

    /// The writer of a chain that can resume inside an input file: exactly one `write` step, and
    /// every other stage independent of the documents before it and writing no files.
    static func resumableWriter(_ stages: [any Stage]) -> ShardWriter? {
        let writers = stages.compactMap { ($0 as? WriteStage)?.writer }
        guard writers.count == 1, stages.allSatisfy({ $0 is WriteStage || $0 is any IndependentStage || $0 is any DocumentFilter })
        else { return nil }
        return writers[0]
    }

    /// Adds up the stats of every task of every phase into `stats.json` and returns the merged steps.
    @discardableResult
    public func mergeStats() throws -> [StageStats] {
        var merged: [StageStats] = []
        for p in phases.indices {
            for task in 0..<phases[p].tasks {
                let json = try JSONParser.parse(try FileSystem.readText(statsPath(phase: p, task: task)))
                let steps = (json.objectValue?["steps"]?.arrayValue ?? []).compactMap(StageStats.init(json:))
                if merged.isEmpty { merged = steps } else { for k in merged.indices where k < steps.count { merged[k].merge(steps[k]) } }
            }
        }
        let stats: JSONValue = [
            "name": .string(spec.name), "spec_sha256": .string(spec.sha256), "tasks": JSONValue(tasks),
            "phases": .array(phases.map { ["name": .string($0.name), "tasks": JSONValue($0.tasks)] }),
            "steps": .array(merged.map { step in
                // The share of documents a step removed (dedup's removal rate, a filter's drop rate).
                guard var object = step.json.objectValue, step["total"] > 0 else { return step.json }
                object["removal_rate"] = JSONValue(Double(step["dropped"]) / Double(step["total"]))
                return .object(object)
            }),
        ]
        try FileSystem.writeFile(mergedStatsPath, Array((JSONWriter.string(stats) + "\n").utf8))
        return merged
    }

    /// Adds up the timings of every task of every phase (those that have a timings file) into
    /// `timings.json`: per pipeline position, seconds (task-seconds: summed over tasks) and
    /// documents and bytes in and out; and each task's wall and CPU time. Returns the steps.
    @discardableResult
    public func mergeTimings() throws -> [StepTiming] {
        var steps = [StepTiming(name: "read")] + spec.steps.map { StepTiming(name: $0.name) }
        var tasks: [JSONValue] = []
        for p in phases.indices {
            for task in 0..<phases[p].tasks {
                guard let t = TaskTimings.load(timingsPath(phase: p, task: task)) else { continue }
                for k in steps.indices where k < t.steps.count { steps[k].merge(t.steps[k]) }
                tasks.append(["phase": .string(t.phase), "task": JSONValue(task),
                              "wall_seconds": JSONValue(t.wallSeconds), "cpu_seconds": JSONValue(t.cpuSeconds)])
            }
        }
        let json: JSONValue = ["name": .string(spec.name), "steps": .array(steps.map(\.json)), "tasks": .array(tasks)]
        try FileSystem.writeFile(mergedTimingsPath, Array((JSONWriter.string(json) + "\n").utf8))
        return steps
    }

    /// Holds an exclusive lock on the run directory for the life of the process, so two
    /// `sieve run`s never work in one directory at once. The lock dies with the process.
    public func lock() throws {
        let path = directory + "/.lock"
        // Not close-on-exec: task processes inherit the lock and hold it while they live.
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
        // Tasks of a killed run stop at their next batch; give them a moment to go.
        for attempt in 0..<100 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
            if attempt == 0 { Log.info("waiting for \(directory) to be free …") }
            usleep(100_000)
        }
        throw SieveError.usage("\(directory) is in use by another sieve run; wait for it or use another --run-dir")
    }
}
