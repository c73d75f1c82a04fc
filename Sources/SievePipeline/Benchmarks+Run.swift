import SieveCore
import SieveIO

extension Benchmarks {
    /// The cost of per-step timings (`StepTiming`): the same chain of real steps (Gopher
    /// repetition and quality, C4, FineWeb quality, NFC normalization) over the documents of
    /// `path` in memory, untimed and timed as a run's tasks time it, rounds alternating so both
    /// see the same load; plus the price of one clock reading (`StepTiming.Clock.now`). Rates per
    /// CPU second.
    public static func timings(path: String, rounds: Int = 3) throws -> [String] {
        let steps = ["gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality", "normalize"]
        let stages: [any Stage] = try steps.map { name in
            try Registry.step(name, at: .commandLine("sieve bench timings"))
                .make(StepParams(step: name, location: .commandLine("bench"), entries: []), context: StepContext())
        }
        var reader = JSONLReader()
        let documents = try reader.readAll(path).documents
        var chains = [StageChain(stages, names: steps), StageChain(stages, names: steps, timed: true)]
        var cpu = [0.0, 0.0]
        for _ in 0..<rounds {
            for c in chains.indices {
                let start = cpuTime()
                for k in stride(from: 0, to: documents.count, by: Run.batchSize) {
                    try chains[c].process(Array(documents[k..<min(k + Run.batchSize, documents.count)]))
                }
                cpu[c] += cpuTime() - start
            }
        }
        let n = 100_000
        let start = cpuTime()
        for _ in 0..<n { _ = StepTiming.Clock.now() }
        let clock = (cpuTime() - start) / Double(n)
        let docs = Double(documents.count * rounds)
        let batches = (documents.count + Run.batchSize - 1) / Run.batchSize * rounds
        return [
            "\(steps.count) steps over \(documents.count) documents × \(rounds) rounds (\(batches) batches of \(Run.batchSize))",
            "untimed: \(Int(docs / cpu[0])) docs per CPU second",
            "timed:   \(Int(docs / cpu[1])) docs per CPU second (\(chains[1].timings.map { "\($0.name) \(fmt($0.cpuSeconds)) s" }.joined(separator: ", ")))",
            "overhead: \(fmt((cpu[1] / cpu[0] - 1) * 100))% (one clock reading: \(fmt(clock * 1e9)) ns of CPU, \(steps.count + 1) per batch); peak RSS \(fmt(Double(peakRSS()) / 1e6)) MB",
        ]
    }
}
