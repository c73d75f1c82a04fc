#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Options of the generated sbatch scripts: from the pipeline file's `slurm:` mapping, each
/// overridable on the command line.
public struct SlurmOptions: Sendable, Equatable {
    public var partition: String?
    /// `--time`, e.g. `2:00:00`.
    public var time: String?
    /// `--mem`, e.g. `4G`.
    public var memory: String?
    public var cpusPerTask: Int?
    /// More `#SBATCH` options, each as written after `#SBATCH ` (`--qos=low`).
    public var extra: [String]

    public init(partition: String? = nil, time: String? = nil, memory: String? = nil, cpusPerTask: Int? = nil, extra: [String] = []) {
        self.partition = partition
        self.time = time
        self.memory = memory
        self.cpusPerTask = cpusPerTask
        self.extra = extra
    }

    /// Reads the `slurm:` mapping of a pipeline file; unknown keys are errors.
    static func parse(_ params: StepParams) throws -> SlurmOptions {
        var params = params
        let options = SlurmOptions(
            partition: try params.string("partition"), time: try params.string("time"), memory: try params.string("mem"),
            cpusPerTask: try params.string("cpus_per_task") == nil ? nil : try params.int("cpus_per_task", default: 1, range: 1...4096),
            extra: try params.strings("sbatch") ?? [])
        try params.finish(known: ["partition", "time", "mem", "cpus_per_task", "sbatch"])
        return options
    }
}

/// Runs a run's phases as Slurm job arrays: one sbatch script per phase (several when a phase
/// has more tasks than the cluster's `MaxArraySize`), each array task running
/// `sieve run SPEC --run-dir RUN --phase P --task $((OFFSET + SLURM_ARRAY_TASK_ID))`, phases
/// chained with `--dependency=afterok` (and `--kill-on-invalid-dep=yes`, so a failed phase cancels
/// the rest), and a last job that merges the stats. Scripts and job ids are kept under
/// `RUN/slurm/`. Every path in the scripts is single-quoted.
///
/// Tasks already complete exit at once, so submitting again (after a failure, a preemption or a
/// requeue) redoes only what is missing.
public struct SlurmExecutor {
    public let run: Run
    public let specPath: String
    public let options: SlurmOptions

    public init(run: Run, specPath: String, options: SlurmOptions) {
        self.run = run
        self.specPath = specPath
        self.options = options
    }

    public struct Submission: Sendable {
        public var phase: String
        /// Job ids, each with the task number of its array index 0.
        public var jobs: [(id: String, offset: Int)]
        public var jobIDs: [String] { jobs.map(\.id) }
    }

    public var directory: String { run.directory + "/slurm" }

    /// Writes the scripts and submits the phases that still have work; returns the job ids.
    public func submit() throws -> [Submission] {
        try FileSystem.createDirectory(directory)
        let executable = try LocalExecutor.currentExecutable()
        let maxArray = try Self.maxArraySize()
        var submissions: [Submission] = []
        var previous: [String] = []
        for (p, phase) in run.phases.enumerated() where !run.pendingTasks(phase: p).isEmpty {
            var jobs: [(id: String, offset: Int)] = []
            for offset in stride(from: 0, to: phase.tasks, by: maxArray) {
                let count = min(maxArray, phase.tasks - offset)
                let script = directory + "/\(phase.name)-\(zeroPadded(offset, 6)).sbatch"
                try FileSystem.writeFile(script, Array(arrayScript(executable: executable, phase: phase.name, offset: offset, count: count).utf8))
                jobs.append((try Self.sbatch(script, after: previous), offset))
            }
            submissions.append(Submission(phase: phase.name, jobs: jobs))
            previous = jobs.map(\.id)
        }
        let finalize = directory + "/finalize.sbatch"
        try FileSystem.writeFile(finalize, Array(finalizeScript(executable: executable).utf8))
        submissions.append(Submission(phase: "finalize", jobs: [(try Self.sbatch(finalize, after: previous), 0)]))
        let record: JSONValue = .array(submissions.map { s in
            ["phase": .string(s.phase), "jobs": .array(s.jobs.map { ["id": .string($0.id), "offset": JSONValue($0.offset)] })]
        })
        try FileSystem.writeFile(directory + "/jobs.json", Array((JSONWriter.string(record) + "\n").utf8))
        return submissions
    }

    func header(name: String) -> String {
        var lines = ["#!/bin/bash", "#SBATCH --job-name=\(quote("sieve-\(run.spec.name)-\(name)"))", "#SBATCH --kill-on-invalid-dep=yes",
                     "#SBATCH --chdir=\(quote(FileSystem.currentDirectory))"]
        if let partition = options.partition { lines.append("#SBATCH --partition=\(quote(partition))") }
        if let time = options.time { lines.append("#SBATCH --time=\(quote(time))") }
        if let memory = options.memory { lines.append("#SBATCH --mem=\(quote(memory))") }
        if let cpus = options.cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(cpus)") }
        for option in options.extra { lines.append("#SBATCH \(option)") }
        return lines.joined(separator: "\n") + "\n"
    }

    func arrayScript(executable: String, phase: String, offset: Int, count: Int) -> String {
        header(name: phase) + """
            #SBATCH --array=0-\(count - 1)
            #SBATCH --output=\(quote(directory + "/\(phase)-%A_%a.out"))
            set -euo pipefail
            task=$(( \(offset) + SLURM_ARRAY_TASK_ID ))
            exec \(quote(executable)) run \(quote(specPath)) --run-dir \(quote(run.directory)) --tasks \(run.tasks) \\
                --phase \(quote(phase)) --task "$task" --log-to-run-dir

            """
    }

    func finalizeScript(executable: String) -> String {
        header(name: "finalize") + """
            #SBATCH --output=\(quote(directory + "/finalize-%j.out"))
            set -euo pipefail
            exec \(quote(executable)) run \(quote(specPath)) --run-dir \(quote(run.directory)) --tasks \(run.tasks) --finalize

            """
    }

    /// Submits a script, after the given jobs if any; returns the job id.
    static func sbatch(_ script: String, after: [String]) throws -> String {
        var arguments = ["--parsable"]
        if !after.isEmpty { arguments.append("--dependency=afterok:" + after.joined(separator: ":")) }
        let output = try Command.run("sbatch", arguments + [script])
        guard let id = output.split(separator: ";").first.map({ String($0).trimmingWhitespace }), !id.isEmpty else {
            throw SieveError.failed("sbatch gave no job id for \(script)")
        }
        return id
    }

    /// The cluster's `MaxArraySize` (array indices run from 0 to MaxArraySize − 1).
    static func maxArraySize() throws -> Int {
        let config = try Command.run("scontrol", ["show", "config"])
        for line in config.split(separator: "\n") where line.hasPrefix("MaxArraySize") {
            if let value = line.split(separator: "=").last.flatMap({ Int(String($0).trimmingWhitespace) }) { return max(1, value) }
        }
        return 1001
    }

    /// Returns once none of the run's recorded jobs is in the queue any more.
    public static func waitUntilDone(_ run: Run) {
        let jobs = RunStatus.jobIDs(run)
        while !queueStates(jobs: jobs).isEmpty { usleep(500_000) }
    }

    /// Job states from `squeue` for the recorded jobs (array tasks expanded): `RUNNING`, `PENDING`…
    public static func queueStates(jobs: [String]) -> [String: String] {
        guard !jobs.isEmpty, let output = try? Command.run("squeue", ["-h", "-r", "-o", "%i %T", "-j", jobs.joined(separator: ",")]) else {
            return [:]
        }
        var states: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { states[String(parts[0])] = String(parts[1]) }
        }
        return states
    }
}

/// A shell word that the shell reads back as exactly `s`.
func quote(_ s: String) -> String { "'" + s.replacingOccurrences("'", "'\\''") + "'" }

/// Runs a program found on PATH and returns its standard output; a non-zero exit is an error
/// that carries its standard error.
enum Command {
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        var out: [Int32] = [0, 0]
        var err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw SieveError.failed("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        posix_spawn_file_actions_addclose(&actions, out[0])
        posix_spawn_file_actions_addclose(&actions, err[0])
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, nil, argv, environ)
        close(out[1])
        close(err[1])
        defer { close(out[0]); close(err[0]) }
        guard status == 0 else { throw SieveError.failed("cannot run \(program): \(String(cString: strerror(status)))") }
        let stdout = readAll(out[0])
        let stderr = readAll(err[0])
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0, errno == EINTR {}
        guard exit == 0 else {
            throw SieveError.failed("\(program) \(arguments.joined(separator: " ")) failed: \(stderr.trimmingWhitespace)")
        }
        return stdout
    }

    private static func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
