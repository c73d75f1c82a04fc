#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// What `sieve run` says while it works (on a terminal) and when it is done: tasks finished,
/// documents and bytes read so far and their rate, the slowest steps' own rates, each running
/// task's time left and an estimate for the run, from the tasks' timings files (`TaskTimings`,
/// rewritten about once a second by each task).
public struct RunProgress {
    private let start = Benchmarks.now()
    /// Timings files older than this are from an earlier `sieve run` of the same directory.
    private let startEpoch = Double(time(nil)) - 1

    public init() {}

    public var elapsed: Double { Benchmarks.now() - start }

    /// `12/40 tasks · 30000 docs read, 2500 docs/s, 4.1 MB/s · slowest: extract 850/s 11 MB/s, …
    /// · left: task 3 12 s, task 4 20 s · run: about 1 min`
    public func line(run: Run, done: Int, total: Int) -> String {
        var tasks: [TaskTimings] = []
        for p in run.phases.indices {
            for task in 0..<run.phases[p].tasks {
                let path = run.timingsPath(phase: p, task: task)
                if (RunReport.mtime(path) ?? 0) >= startEpoch, let t = TaskTimings.load(path) { tasks.append(t) }
            }
        }
        let seconds = max(elapsed, 1e-3)
        var parts = ["\(done)/\(total) tasks"]
        let read = tasks.filter { $0.phase == run.phases[0].name }.reduce(StepTiming(name: "read")) { sum, t in
            var sum = sum
            if let first = t.steps.first { sum.merge(first) }
            return sum
        }
        if read.documentsOut > 0 {
            parts.append("\(read.documentsOut) docs read, \(Int(Double(read.documentsOut) / seconds)) docs/s, "
                + "\(fmt(Double(read.bytesOut) / 1e6 / seconds)) MB/s")
        }
        let slowest = Self.slowest(tasks, count: 3)
        if !slowest.isEmpty {
            parts.append("slowest: " + slowest.map { "\($0.name) \(Int($0.documentsPerSecond))/s \(fmt($0.megabytesPerSecond)) MB/s" }
                .joined(separator: ", "))
        }
        let running = tasks.filter { !$0.finished }.compactMap { t in t.secondsLeft.map { (t.task, $0) } }
        if !running.isEmpty {
            parts.append("left: " + running.prefix(4).map { "task \($0.0) \(duration($0.1))" }.joined(separator: ", "))
        }
        if done > 0, done < total {
            parts.append("run: about \(duration(seconds / Double(done) * Double(total - done)))")
        }
        return parts.joined(separator: " · ")
    }

    /// `line` cut to the terminal's width (a longer line would wrap, and `\r` would not take it back).
    public static func fit(_ line: String) -> String {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 8, line.count > Int(size.ws_col) - 1 else { return line }
        return String(line.prefix(Int(size.ws_col) - 2)) + "…"
    }

    /// The steps (not the reader) that took the most time, over all the given tasks.
    static func slowest(_ tasks: [TaskTimings], count: Int) -> [StepTiming] {
        guard var steps = tasks.first?.steps.map({ StepTiming(name: $0.name) }) else { return [] }
        for t in tasks { for k in steps.indices where k < t.steps.count { steps[k].merge(t.steps[k]) } }
        return steps.dropFirst().filter { $0.wallSeconds > 0 && $0.documentsIn > 0 }
            .sorted { $0.wallSeconds > $1.wallSeconds }.prefix(count).map { $0 }
    }

    /// `done in 12.3 s: 727 documents read (3.1 MB), 688 passed the last step, write (2.9 MB)`
    public func summary(stats: [StageStats]) -> String {
        var text = "done in \(duration(elapsed))"
        guard let read = stats.first else { return text }
        text += ": \(read["forwarded"]) documents read (\(fmt(Double(read["forwarded_bytes"]) / 1e6)) MB)"
        if let last = stats.dropFirst().last(where: { $0["total"] > 0 }) {
            text += ", \(last["forwarded"]) passed the last step, \(last.name) (\(fmt(Double(last["forwarded_bytes"]) / 1e6)) MB)"
        }
        return text
    }

    private func duration(_ s: Double) -> String {
        s < 90 ? "\(fmt(s)) s" : s < 5400 ? "\(Int(s / 60)) min" : "\(fmt(s / 3600)) h"
    }
}
