import SieveCore

/// What `sieve run` says while it works (on a terminal) and when it is done: tasks finished,
/// documents and bytes read so far, their rate, and an estimate of the time left.
public struct RunProgress {
    private let start = Benchmarks.now()
    private let tasksAtStart: Int

    public init(run: Run) { tasksAtStart = run.completedTasks }

    public var elapsed: Double { Benchmarks.now() - start }

    /// `12/40 tasks · 30000 docs read, 2500 docs/s, 4.1 MB/s · about 1 min left`
    public func line(run: Run, done: Int, total: Int) -> String {
        let status = RunStatus(run)
        let seconds = max(elapsed, 1e-3)
        var parts = ["\(done)/\(total) tasks"]
        if status.documents > 0 {
            parts.append("\(status.documents) docs read, \(Int(Double(status.documents) / seconds)) docs/s, "
                + "\(fmt(Double(status.bytes) / 1e6 / seconds)) MB/s")
        }
        if done > 0, done < total {
            parts.append("about \(duration(seconds / Double(done) * Double(total - done))) left")
        }
        return parts.joined(separator: " · ")
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
