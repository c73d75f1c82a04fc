#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Runs steps as shell stages: NDJSON documents in (files or standard input), NDJSON out on
/// standard output. A reader gone downstream (broken pipe) ends the stage quietly.
public struct PipeRunner {
    /// Where stats go when the stage ends (`--stats FILE`); a summary line goes to stderr too.
    public var statsPath: String?

    public init(statsPath: String? = nil) {
        self.statsPath = statsPath
        signal(SIGPIPE, SIG_IGN)
    }

    /// `sieve read FORMAT PATHS…`: documents of every input, in order, to standard output.
    public func read(format: InputFormat, params: StepParams, patterns: [String], baseURL: String? = nil) throws {
        var reader = try format.make(params)
        let paths = try InputPaths.expand(patterns.isEmpty ? ["-"] : patterns, baseURL: baseURL)
        var stats = StageStats(name: "read_" + format.name)
        let out = NDJSONOutput()
        var emitted = StageStats(name: stats.name)
        do {
            for path in paths {
                try reader.read(path, stats: &stats) { doc in
                    emitted.count(doc)
                    try out.write(doc)
                }
                stats.add("files")
            }
            try out.flush()
        } catch is BrokenPipe {}
        stats.merge(emitted)
        try report([stats])
    }

    /// `sieve STEP [--key value]…`: one step over NDJSON from `patterns` (standard input when empty).
    public func run(step: StepDefinition, params: StepParams, patterns: [String]) throws {
        var chain = StageChain([try step.make(params, context: StepContext())], names: [step.name])
        let out = step.isSink ? nil : NDJSONOutput()
        var readStats = StageStats(name: "read")
        do {
            var batch: [Document] = []
            batch.reserveCapacity(Run.batchSize)
            let reader = JSONLReader()
            for path in try InputPaths.expand(patterns.isEmpty ? ["-"] : patterns) {
                try reader.read(path, stats: &readStats) { doc in
                    batch.append(doc)
                    if batch.count == Run.batchSize {
                        let passed = try chain.process(batch)
                        try out?.write(passed)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
            let passed = try chain.process(batch)
            try out?.write(passed)
            let tail = try chain.finish()
            try out?.write(tail)
            try out?.flush()
        } catch is BrokenPipe {}
        var stats = chain.stats
        if readStats["skipped"] > 0 { stats.insert(readStats, at: 0) }
        try report(stats)
    }

    private func report(_ stats: [StageStats]) throws {
        if let statsPath {
            let json: JSONValue = ["steps": .array(stats.map(\.json))]
            try FileSystem.writeFile(statsPath, Array((JSONWriter.string(json) + "\n").utf8))
        }
        for s in stats where Log.isTerminal || s["skipped"] > 0 {
            Log.info(summary(s))
        }
    }
}

/// One line that says what a stage did: `write: 1200 forwarded, 3 shards` etc.
public func summary(_ stats: StageStats) -> String {
    let keys = stats.counters.keys.sorted().filter { stats[$0] != 0 }
    return stats.name + ": " + keys.map { "\($0)=\(stats[$0])" }.joined(separator: " ")
}

/// NDJSON to standard output through a 1 MiB buffer.
final class NDJSONOutput {
    private let sink = StandardOutputSink()
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 20 + 1 << 16) }

    func write(_ doc: Document) throws {
        NDJSON.encode(doc, to: &buffer)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func write(_ docs: [Document]) throws { for doc in docs { try write(doc) } }

    func flush() throws {
        try buffer.withUnsafeBytes { try sink.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
