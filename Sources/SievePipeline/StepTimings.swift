#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// Time and volume of one pipeline position (the reader or a step) in one task: wall and CPU
/// seconds spent in it, documents and bytes of text in and out. Measured per batch (two clock
/// reads before and after a stage's `process`), so the cost is a few microseconds per batch of
/// 256 documents. Kept apart from `StageStats`: times differ between runs, and `stats.json` must
/// not.
public struct StepTiming: Sendable, Equatable {
    public var name: String
    public var wallSeconds = 0.0
    /// CPU seconds of the whole task process (every thread) while the step ran.
    public var cpuSeconds = 0.0
    public var documentsIn: Int64 = 0, documentsOut: Int64 = 0
    public var bytesIn: Int64 = 0, bytesOut: Int64 = 0

    public init(name: String, wallSeconds: Double = 0, cpuSeconds: Double = 0) {
        (self.name, self.wallSeconds, self.cpuSeconds) = (name, wallSeconds, cpuSeconds)
    }

    public mutating func merge(_ other: StepTiming) {
        wallSeconds += other.wallSeconds
        cpuSeconds += other.cpuSeconds
        documentsIn += other.documentsIn
        documentsOut += other.documentsOut
        bytesIn += other.bytesIn
        bytesOut += other.bytesOut
    }

    /// Documents in per second of the step's own wall time (0 when it took no measurable time).
    public var documentsPerSecond: Double { wallSeconds > 0 ? Double(max(documentsIn, documentsOut)) / wallSeconds : 0 }
    /// MB of text in (out for the reader) per second of the step's own wall time.
    public var megabytesPerSecond: Double { wallSeconds > 0 ? Double(max(bytesIn, bytesOut)) / 1e6 / wallSeconds : 0 }

    public var json: JSONValue {
        ["name": .string(name), "wall_seconds": JSONValue(rounded(wallSeconds)), "cpu_seconds": JSONValue(rounded(cpuSeconds)),
         "documents_in": JSONValue(Int(documentsIn)), "documents_out": JSONValue(Int(documentsOut)),
         "bytes_in": JSONValue(Int(bytesIn)), "bytes_out": JSONValue(Int(bytesOut))]
    }

    public init?(json: JSONValue) {
        guard let o = json.objectValue, let name = o["name"]?.stringValue else { return nil }
        self.name = name
        wallSeconds = o["wall_seconds"]?.doubleValue ?? 0
        cpuSeconds = o["cpu_seconds"]?.doubleValue ?? 0
        documentsIn = Int64(o["documents_in"]?.intValue ?? 0)
        documentsOut = Int64(o["documents_out"]?.intValue ?? 0)
        bytesIn = Int64(o["bytes_in"]?.intValue ?? 0)
        bytesOut = Int64(o["bytes_out"]?.intValue ?? 0)
    }

    /// Wall and CPU clocks of this process, read together.
    public struct Clock {
        public var wall: Double, cpu: Double
        public static func now() -> Clock {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Clock(wall: Benchmarks.now(), cpu: Double(t.tv_sec) + Double(t.tv_nsec) / 1e9)
        }
    }

    /// Adds the time since `start`; returns now (the next start).
    @discardableResult
    public mutating func addTime(since start: Clock) -> Clock {
        let end = Clock.now()
        wallSeconds += end.wall - start.wall
        cpuSeconds += end.cpu - start.cpu
        return end
    }
}

/// Microseconds are plenty, and keep the files short.
private func rounded(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

/// The UTF-8 bytes of the documents' text.
func textBytes(_ docs: [Document]) -> Int64 {
    var n = 0
    for doc in docs { n += doc.text.utf8.count }
    return Int64(n)
}

/// `stats/[P_]task_N.timings.json`: a task's timings per pipeline position, rewritten about once
/// a second while the task runs (so `sieve run` can show rates per step and the task's time left)
/// and once more when it ends; `sieve run` merges them into `timings.json`.
public struct TaskTimings: Sendable {
    public var phase: String
    public var task: Int
    public var steps: [StepTiming]
    public var wallSeconds = 0.0, cpuSeconds = 0.0
    /// Bytes of the task's input files (compressed, as on disk), and how many of them are read.
    public var inputBytes: Int64 = 0, inputBytesDone: Int64 = 0
    public var finished = false

    public init(phase: String, task: Int, steps: [StepTiming]) {
        self.phase = phase
        self.task = task
        self.steps = steps
    }

    /// The share of the task's input read so far (nil when unknown, as in reduce phases).
    public var fractionDone: Double? {
        finished ? 1 : inputBytes > 0 ? min(Double(inputBytesDone) / Double(inputBytes), 1) : nil
    }

    /// Seconds left, extrapolated from the share of input read (nil until something is read).
    public var secondsLeft: Double? {
        guard let f = fractionDone, f > 0, wallSeconds > 0 else { return nil }
        return wallSeconds * (1 - f) / f
    }

    public var json: JSONValue {
        ["phase": .string(phase), "task": JSONValue(task), "finished": .bool(finished),
         "wall_seconds": JSONValue(rounded(wallSeconds)), "cpu_seconds": JSONValue(rounded(cpuSeconds)),
         "input_bytes": JSONValue(Int(inputBytes)), "input_bytes_done": JSONValue(Int(inputBytesDone)),
         "steps": .array(steps.map(\.json))]
    }

    public init?(json: JSONValue) {
        guard let o = json.objectValue, let phase = o["phase"]?.stringValue, let steps = o["steps"]?.arrayValue else { return nil }
        self.phase = phase
        task = o["task"]?.intValue ?? 0
        self.steps = steps.compactMap(StepTiming.init(json:))
        finished = o["finished"]?.boolValue ?? false
        wallSeconds = o["wall_seconds"]?.doubleValue ?? 0
        cpuSeconds = o["cpu_seconds"]?.doubleValue ?? 0
        inputBytes = Int64(o["input_bytes"]?.intValue ?? 0)
        inputBytesDone = Int64(o["input_bytes_done"]?.intValue ?? 0)
    }

    public static func load(_ path: String) -> TaskTimings? {
        (try? FileSystem.readText(path)).flatMap { try? JSONParser.parse($0) }.flatMap(TaskTimings.init(json:))
    }
}

/// Keeps a task's timings while it runs and writes them to its file about once a second.
final class TaskTimer {
    private let path: String
    private(set) var timings: TaskTimings
    private let start = StepTiming.Clock.now()
    private var lastWrite = Benchmarks.now()
    /// Bytes of the input files finished so far.
    private var filesDone: Int64 = 0

    init(path: String, phase: String, task: Int, names: [String], inputBytes: Int64) {
        self.path = path
        timings = TaskTimings(phase: phase, task: task, steps: names.map { StepTiming(name: $0) })
        timings.inputBytes = inputBytes
    }

    /// After a batch of input file `file`: writes the timings so far (completed files plus
    /// `current`, the file in progress, by position) if a second has passed.
    func batch(current: @autoclosure () -> [Int: StepTiming], file: String) {
        let now = Benchmarks.now()
        guard now - lastWrite >= 1 else { return }
        lastWrite = now
        var snapshot = timings
        for (k, t) in current() { snapshot.steps[k].merge(t) }
        snapshot.inputBytesDone = filesDone + (Self.readPosition(of: file) ?? 0)
        try? write(snapshot)  // a progress snapshot: the last write is the one that must succeed
    }

    /// The timings of an input file, by position, join the task's.
    func add(_ current: [Int: StepTiming]) {
        for (k, t) in current { timings.steps[k].merge(t) }
    }

    /// An input file of `bytes` is finished (or was finished by an earlier process).
    func fileDone(bytes: Int64) { filesDone += bytes }

    /// The last write, when the task is complete.
    func finish(reduce: StepTiming? = nil, position: Int? = nil) throws {
        if let reduce, let position { timings.steps[position].merge(reduce) }
        timings.finished = true
        timings.inputBytesDone = timings.inputBytes
        try write(timings)
    }

    /// Writes `t` with the task's wall and CPU time so far.
    private func write(_ t: TaskTimings) throws {
        var t = t
        let now = StepTiming.Clock.now()
        (t.wallSeconds, t.cpuSeconds) = (now.wall - start.wall, now.cpu - start.cpu)
        try FileSystem.writeFile(path, Array((JSONWriter.string(t.json) + "\n").utf8))
    }

    /// How far this process has read into `path`: the offset of an open descriptor of it
    /// (`/proc/self/fdinfo`), which the readers advance as they decompress. Nil where unknown.
    static func readPosition(of path: String) -> Int64? {
        guard let fds = try? FileSystem.list("/proc/self/fd") else { return nil }
        let target = realPath(path) ?? path
        for fd in fds {
            guard realPath("/proc/self/fd/" + fd) == target,
                  let info = try? FileSystem.readText("/proc/self/fdinfo/" + fd),
                  let line = info.split(separator: "\n").first(where: { $0.hasPrefix("pos:") }) else { continue }
            return Int64(String(line.dropFirst(4).filter(\.isNumber)))
        }
        return nil
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
