#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Runs the pending tasks of a run's phases on this machine, phase after phase, `workers` at a
/// time, each in its own `sieve run SPEC --run-dir RUN --phase P --task N` process whose standard
/// error goes to `RUN/logs/[P_]task_N.log`.
///
/// Separate processes keep tasks apart (memory, crashes) and are what the Slurm executor runs
/// too. Children hold the run's lock with the parent and stop at their next batch if the parent
/// dies, so a run killed at any moment can be started again safely.
public struct LocalExecutor {
    public let run: Run
    public let workers: Int

    public init(run: Run, workers: Int) {
        self.run = run
        self.workers = max(1, workers)
    }

    public struct Failure: Sendable {
        public var phase: Int
        public var task: Int
        public var status: Int32
        public var lastLogLine: String
    }

    /// Runs every pending task of every phase in order; stops after the first phase with
    /// failures and returns them (empty when all succeeded). `onProgress(done, total)` is called
    /// when a task ends and about once a second while tasks run.
    public func execute(specPath: String, onProgress: (Int, Int) -> Void) throws -> [Failure] {
        var done = 0
        let total = run.totalTasks - run.completedTasks
        for phase in run.phases.indices {
            let failures = try execute(phase: phase, specPath: specPath, onTick: { onProgress(done, total) }) {
                done += 1
                onProgress(done, total)
            }
            if !failures.isEmpty { return failures }
            if let signal = Interruption.signal {
                throw SieveError.failed("stopped by \(Interruption.name(signal)): \(run.completedTasks) of \(run.totalTasks) tasks complete; run the same command again to resume")
            }
        }
        return []
    }

    /// Runs the pending tasks of one phase; returns its failures.
    public func execute(phase: Int, specPath: String, onTick: () -> Void = {}, onTaskDone: () -> Void) throws -> [Failure] {
        let executable = try Self.currentExecutable()
        var queue = run.pendingTasks(phase: phase)[...]
        var running: [pid_t: Int] = [:]
        var failures: [Failure] = []
        var forwarded = false
        var lastTick = Benchmarks.now()
        while !queue.isEmpty || !running.isEmpty {
            if let signal = Interruption.signal {
                // Stop: no new task; the running ones finish their batch and stop too.
                queue = []
                if !forwarded { for pid in running.keys { kill(pid, signal) } }
                forwarded = true
                if running.isEmpty { break }
            }
            while running.count < workers, let task = queue.popFirst() {
                let pid = try spawn(executable, arguments: [
                    "run", specPath, "--run-dir", run.directory, "--phase", run.phases[phase].name,
                    "--task", String(task), "--tasks", String(run.tasks),
                ], log: run.logPath(phase: phase, task: task))
                running[pid] = task
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid == 0 {
                // Tasks still running: look again in 10 ms; a progress tick about once a second.
                usleep(10_000)
                if Benchmarks.now() - lastTick >= 1 {
                    lastTick = Benchmarks.now()
                    onTick()
                }
                continue
            }
            if pid < 0 {
                if errno == EINTR { continue }
                if errno == ECHILD { break }
                throw SieveError.failed("waitpid failed: \(String(cString: strerror(errno)))")
            }
            guard let task = running.removeValue(forKey: pid) else { continue }
            let exited = status & 0x7F == 0
            let code = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            if Interruption.signal == nil, code != 0 || !run.isComplete(phase: phase, task: task) {
                failures.append(Failure(phase: phase, task: task, status: code,
                                        lastLogLine: lastLine(of: run.logPath(phase: phase, task: task))))
            }
            onTaskDone()
        }
        return failures.sorted { $0.task < $1.task }
    }

    private func spawn(_ executable: String, arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var environment = ProcessEnvironment.current
        environment["SIEVE_PARENT_PID"] = String(getpid())
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard status == 0 else { throw SieveError.failed("cannot start \(executable): \(String(cString: strerror(status)))") }
        return pid
    }

    private func lastLine(of path: String) -> String {
        guard let text = try? FileSystem.readText(path) else { return "" }
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }

    static func currentExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { throw SieveError.failed("cannot find the sieve executable (/proc/self/exe)") }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// In a task process: true once the `sieve run` that started it has gone (its children are
    /// then re-parented), so the task stops instead of racing a resumed run.
    public static var parentIsGone: Bool {
        guard let expected = expectedParent else { return false }
        return getppid() != expected
    }

    private static let expectedParent: pid_t? = ProcessEnvironment.current["SIEVE_PARENT_PID"].flatMap { pid_t($0) }
}

/// The process environment as a dictionary.
public enum ProcessEnvironment {
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { result[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return result
    }
}
