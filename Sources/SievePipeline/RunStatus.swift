import SieveCore
import SieveIO

/// Where a run stands (`sieve status RUN`): per phase, tasks done, running, waiting and failed,
/// from the completion markers, the logs and, for Slurm runs, the queue; documents and bytes read
/// so far; the last lines of failed tasks' logs.
public struct RunStatus: Sendable {
    public struct PhaseState: Sendable {
        public var name: String
        public var tasks: Int
        public var done: Int
        public var running: Int
        public var waiting: Int
        public var failed: [(task: Int, log: String, lastLines: [String])]
    }

    public var phases: [PhaseState]
    public var documents: Int64
    public var bytes: Int64
    public var finished: Bool

    public init(_ run: Run) {
        let jobs = Self.recordedJobs(run)
        let queue = SlurmExecutor.queueStates(jobs: jobs.values.flatMap { $0.map(\.id) })
        var phases: [PhaseState] = []
        var documents: Int64 = 0
        var bytes: Int64 = 0
        for (p, phase) in run.phases.enumerated() {
            var state = PhaseState(name: phase.name, tasks: phase.tasks, done: 0, running: 0, waiting: 0, failed: [])
            // Array task ids in the queue are JOB_INDEX; map them back to task numbers.
            var queued: [Int: String] = [:]
            for job in jobs[phase.name] ?? [] {
                for (id, s) in queue where id.hasPrefix(job.id + "_") {
                    if let index = Int(id.dropFirst(job.id.count + 1)) { queued[job.offset + index] = s }
                }
            }
            for task in 0..<phase.tasks {
                if run.isComplete(phase: p, task: task) {
                    state.done += 1
                    if p == 0, let json = try? JSONParser.parse(try FileSystem.readText(run.statsPath(phase: p, task: task))),
                       let read = json.objectValue?["steps"]?.arrayValue?.first.flatMap(StageStats.init(json:)) {
                        documents += read["forwarded"]
                        bytes += read["forwarded_bytes"]
                    }
                } else if queued[task] == "RUNNING" {
                    state.running += 1
                } else if let s = queued[task], s == "PENDING" || s == "CONFIGURING" {
                    state.waiting += 1
                } else if FileSystem.exists(run.logPath(phase: p, task: task)) {
                    let log = run.logPath(phase: p, task: task)
                    let lines = ((try? FileSystem.readText(log)) ?? "").split(separator: "\n").suffix(3).map(String.init)
                    state.failed.append((task, log, lines))
                } else {
                    state.waiting += 1
                }
            }
            phases.append(state)
        }
        self.phases = phases
        self.documents = documents
        self.bytes = bytes
        finished = FileSystem.exists(run.mergedStatsPath) && phases.allSatisfy { $0.done == $0.tasks }
    }

    /// Job ids (with the task number of array index 0) recorded by the Slurm executor, by phase.
    static func recordedJobs(_ run: Run) -> [String: [(id: String, offset: Int)]] {
        guard let text = try? FileSystem.readText(run.directory + "/slurm/jobs.json"),
              let entries = (try? JSONParser.parse(text))?.arrayValue else { return [:] }
        var jobs: [String: [(id: String, offset: Int)]] = [:]
        for entry in entries {
            guard let o = entry.objectValue, let phase = o["phase"]?.stringValue else { continue }
            jobs[phase] = (o["jobs"]?.arrayValue ?? []).compactMap { job in
                guard let j = job.objectValue, let id = j["id"]?.stringValue else { return nil }
                return (id, j["offset"]?.intValue ?? 0)
            }
        }
        return jobs
    }

    /// All recorded job ids of the run.
    public static func jobIDs(_ run: Run) -> [String] { recordedJobs(run).values.flatMap { $0.map(\.id) } }

    public var report: String {
        var lines: [String] = []
        for p in phases {
            lines.append("\(p.name): \(p.done)/\(p.tasks) done, \(p.running) running, \(p.waiting) waiting, \(p.failed.count) failed")
            for f in p.failed {
                lines.append("  task \(f.task) failed [\(f.log)]")
                for l in f.lastLines { lines.append("    " + l) }
            }
        }
        lines.append("read so far: \(documents) documents, \(bytes) bytes of text")
        lines.append(finished ? "finished: stats.json is written" : "not finished")
        return lines.joined(separator: "\n")
    }
}
