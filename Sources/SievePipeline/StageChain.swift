import SieveCore

/// Stages run one after another on batches: what one passes on, the next processes. Batches
/// are the unit of work (256 documents by default), so the cost per document of a chain is a
/// few tens of nanoseconds.
public struct StageChain {
    public private(set) var stages: [any Stage]
    public private(set) var stats: [StageStats]
    /// Time, documents and bytes of each stage (see `StepTiming`), when the chain is `timed`.
    public private(set) var timings: [StepTiming]
    private let timed: Bool

    /// A `timed` chain reads the clocks once per stage and batch (a run's tasks); a shell stage
    /// does not need to.
    public init(_ stages: [any Stage], names: [String], timed: Bool = false) {
        self.stages = stages
        self.timed = timed
        stats = names.map { StageStats(name: $0) }
        timings = names.map { StepTiming(name: $0) }
    }

    /// Runs a batch through every stage; returns what the last one passed on.
    @discardableResult
    public mutating func process(_ batch: consuming [Document], from first: Int = 0) throws -> [Document] {
        var current = batch
        // One clock reading per stage boundary: the end of a stage starts the next.
        var clock = timed ? StepTiming.Clock.now() : nil
        var bytes = timed ? textBytes(current) : 0
        for k in first..<stages.count {
            if current.isEmpty { break }
            var output: [Document] = []
            output.reserveCapacity(current.count)
            try stages[k].process(current, into: &output, stats: &stats[k])
            if let start = clock {
                clock = timings[k].addTime(since: start)
                let out = textBytes(output)
                timings[k].documentsIn += Int64(current.count)
                timings[k].bytesIn += bytes
                timings[k].documentsOut += Int64(output.count)
                timings[k].bytesOut += out
                bytes = out
            }
            current = output
        }
        return current
    }

    /// Continues from a checkpoint: the stats as they were, and the first stage told that
    /// `count` documents are skipped (it may count positions).
    public mutating func restore(stats saved: [StageStats], skipping count: Int) {
        for k in stats.indices where k < saved.count { stats[k] = saved[k] }
        if var first = stages.first as? any IndependentStage {
            first.skip(count)
            stages[0] = first
        }
    }

    /// Finishes the stages in order; what a stage emits when finishing still goes through the
    /// stages after it, which finish later.
    @discardableResult
    public mutating func finish() throws -> [Document] {
        var tail: [Document] = []
        for k in stages.indices {
            var output: [Document] = []
            let start = timed ? StepTiming.Clock.now() : nil
            try stages[k].finish(into: &output, stats: &stats[k])
            if let start {
                timings[k].addTime(since: start)
                timings[k].documentsOut += Int64(output.count)
                timings[k].bytesOut += textBytes(output)
            }
            if !output.isEmpty { tail += try process(output, from: k + 1) }
        }
        return tail
    }
}

extension StageStats {
    /// Stats as a JSON object with sorted counter names (stable files, comparable across runs).
    public var json: JSONValue {
        var counters = JSONObject()
        for key in self.counters.keys.sorted() { counters.append(key: key, value: JSONValue(Int(self.counters[key]!))) }
        return ["name": .string(name), "counters": .object(counters)]
    }

    public init?(json: JSONValue) {
        guard let object = json.objectValue, let name = object["name"]?.stringValue,
              let counters = object["counters"]?.objectValue else { return nil }
        self.init(name: name)
        for member in counters { self[member.key] = Int64(member.value.intValue ?? 0) }
    }
}
