#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// A run of a pipeline file: its directory and everything in it (DESIGN §6).
///
/// ```
/// RUN/spec.yaml        copy of the pipeline file      RUN/spec.sha256
/// RUN/plan.json        inputs and their split into tasks
/// RUN/completions/     task_00000 … (empty markers of finished tasks)
/// RUN/stats/           task_00000.json … (per task and step), merged into RUN/stats.json
/// RUN/logs/            task_00000.log … (each task's standard error)
/// RUN/<outputs>        relative output paths of the steps
/// ```
///
/// Input file i goes to task i mod N. Outputs are named by input file, not by task, so the
/// same inputs and spec give byte-identical outputs for any number of tasks and workers.
public struct Run: Sendable {
    public let spec: PipelineSpec
    public let directory: String
    public let inputs: [String]
    public let tasks: Int

    public init(spec: PipelineSpec, directory: String, tasks: Int?) throws {
        self.spec = spec
        self.directory = directory
        inputs = try InputPaths.expand(spec.inputPatterns, baseURL: spec.inputBaseURL)
        guard !inputs.isEmpty else { throw SieveError.usage("\(spec.file): the input paths match no file") }
        self.tasks = min(max(tasks ?? spec.tasks ?? 1, 1), inputs.count)
    }

    public func files(ofTask task: Int) -> [(index: Int, path: String)] {
        stride(from: task, to: inputs.count, by: tasks).map { ($0, inputs[$0]) }
    }

    public var specPath: String { directory + "/spec.yaml" }
    public func completionPath(task: Int) -> String { directory + "/completions/task_" + zeroPadded(task, 5) }
    public func statsPath(task: Int) -> String { directory + "/stats/task_" + zeroPadded(task, 5) + ".json" }
    public func logPath(task: Int) -> String { directory + "/logs/task_" + zeroPadded(task, 5) + ".log" }
    public var mergedStatsPath: String { directory + "/stats.json" }

    public func isComplete(task: Int) -> Bool { FileSystem.exists(completionPath(task: task)) }
    public var pendingTasks: [Int] { (0..<tasks).filter { !isComplete(task: $0) } }

    /// The plan as JSON: what a resumed run must agree with.
    var planJSON: JSONValue {
        ["spec_sha256": .string(spec.sha256), "tasks": JSONValue(tasks), "inputs": .array(inputs.map { .string($0) })]
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
                for sub in ["completions", "stats"] { try FileSystem.removeTree(directory + "/" + sub) }
                for sub in ["completions", "stats"] { try FileSystem.createDirectory(directory + "/" + sub) }
            }
        }
        try FileSystem.writeFile(specPath, Array(spec.text.utf8))
        try FileSystem.writeFile(directory + "/spec.sha256", Array((spec.sha256 + "\n").utf8))
        try FileSystem.writeFile(planPath, Array(plan.utf8))
    }

    /// Runs one task in this process: every input file of the task through the steps, then its
    /// stats and its completion marker (last, so a killed task is simply run again).
    public func runTask(_ task: Int, progress: ((Int64) -> Void)? = nil) throws {
        var readerStats = StageStats(name: "read")
        var stepStats = spec.steps.map { StageStats(name: $0.name) }
        let reader = try spec.inputFormat.make(spec.inputParams)
        for (index, path) in files(ofTask: task) {
            let context = StepContext(outputRoot: directory, shardPrefix: zeroPadded(index, 5))
            var chain = StageChain(try spec.steps.map { try $0.definition.make($0.params, context: context) },
                                   names: spec.steps.map(\.name))
            var batch: [Document] = []
            batch.reserveCapacity(Self.batchSize)
            var fileReader = reader
            var emitted = StageStats(name: "read")
            do {
                try fileReader.read(path, stats: &readerStats) { doc in
                    emitted.count(doc)
                    batch.append(doc)
                    if batch.count == Self.batchSize {
                        if LocalExecutor.parentIsGone { throw SieveError.failed("the sieve run that started this task has gone") }
                        try chain.process(batch)
                        batch.removeAll(keepingCapacity: true)
                        progress?(Int64(Self.batchSize))
                    }
                }
            } catch let error as SieveError {
                throw error
            } catch {
                throw SieveError.failed("\(path): \(error)")
            }
            readerStats.merge(emitted)
            try chain.process(batch)
            progress?(Int64(batch.count))
            try chain.finish()
            for k in stepStats.indices { stepStats[k].merge(chain.stats[k]) }
            readerStats.add("files")
        }
        let stats: JSONValue = ["task": JSONValue(task), "steps": .array(([readerStats] + stepStats).map(\.json))]
        try FileSystem.writeFile(statsPath(task: task), Array((JSONWriter.string(stats) + "\n").utf8))
        try FileSystem.writeFile(completionPath(task: task), [])
    }

    public static let batchSize = 256

    /// Adds up the stats of every task into `stats.json` and returns the merged steps.
    @discardableResult
    public func mergeStats() throws -> [StageStats] {
        var merged: [StageStats] = []
        for task in 0..<tasks {
            let json = try JSONParser.parse(try FileSystem.readText(statsPath(task: task)))
            let steps = (json.objectValue?["steps"]?.arrayValue ?? []).compactMap(StageStats.init(json:))
            if merged.isEmpty { merged = steps } else { for k in merged.indices where k < steps.count { merged[k].merge(steps[k]) } }
        }
        let stats: JSONValue = [
            "name": .string(spec.name), "spec_sha256": .string(spec.sha256), "tasks": JSONValue(tasks),
            "steps": .array(merged.map(\.json)),
        ]
        try FileSystem.writeFile(mergedStatsPath, Array((JSONWriter.string(stats) + "\n").utf8))
        return merged
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
