#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveDedup
import SieveIO

extension Benchmarks {
    /// `sieve bench dedup`: MinHash dedup of a JSONL file, phase by phase in this process (one
    /// core): signatures (the map phase: simplification, shingles, 112 permutations, band keys,
    /// sorted runs spilled under `memoryBudget`), the 14 bucket tasks, clustering and the filter.
    /// Prints signature MB/s, the time of every phase and the peak RSS next to the budget.
    public static func dedup(path: String, memoryBudget: Int64, work: String) throws -> [String] {
        try? FileSystem.removeTree(work)
        let stage = MinHashCorpusStage(config: MinHashConfig(), options: CorpusOptions(memoryBudget: memoryBudget))
        var lines: [String] = []
        var stats = StageStats(name: "dedup_minhash")

        // Signatures alone (no spilling), then the map phase as a run does it.
        var hasher = MinHasher(MinHashConfig())
        var bytes: Int64 = 0, documents: Int64 = 0, seconds = 0.0, cpu = 0.0
        let reader = JSONLReader()
        var readStats = StageStats(name: "read")
        try reader.read(path, stats: &readStats) { doc in
            let start = now(), startCPU = threadCPUTime()
            _ = hasher.bandKeys(doc.text)
            seconds += now() - start
            cpu += threadCPUTime() - startCPU
            bytes += Int64(doc.text.utf8.count)
            documents += 1
        }
        lines.append(Result(name: "minhash signatures (text bytes, 1 core, wall clock)", bytes: bytes, documents: documents,
                            seconds: seconds, peakRSSBytes: peakRSS()).description)
        lines.append(Result(name: "minhash signatures (text bytes, 1 core, CPU time of the thread)", bytes: bytes,
                            documents: documents, seconds: cpu, peakRSSBytes: peakRSS()).description)

        var total = 0.0, totalCPU = 0.0
        func timed(_ name: String, _ body: () throws -> Void) rethrows {
            let start = now(), startCPU = threadCPUTime()
            try body()
            let (wall, cpu) = (now() - start, threadCPUTime() - startCPU)
            total += wall
            totalCPU += cpu
            lines.append("\(name): \(fmt(wall)) s wall, \(fmt(cpu)) s CPU; peak RSS \(fmt(Double(peakRSS()) / 1e6)) MB")
        }
        try timed("phase map (read + signatures + spill, 1 file)") {
            var collector = try stage.collector(file: 0, work: work)
            try feed(path, into: &collector, stats: &stats)
        }
        for (phase, reduce) in stage.reducePhases.enumerated() {
            try timed("phase \(reduce.name) (\(reduce.tasks) tasks, one after another)") {
                for task in 0..<reduce.tasks { try stage.reduce(phase: phase, task: task, work: work, stats: &stats) }
            }
        }
        try timed("phase filter") {
            var filter = try stage.filter(file: 0, work: work)
            try feed(path, into: &filter, stats: &stats)
        }
        lines.append("all phases: \(fmt(total)) s wall, \(fmt(totalCPU)) s CPU (one core)")
        lines.append("dedup: \(stats["total"]) documents, \(stats["dropped"]) removed (\(fmt(100 * Double(stats["dropped"]) / Double(max(stats["total"], 1))))%), "
                     + "\(stats["clusters"]) clusters, \(stats["spilled_runs"]) spilled runs; memory budget \(fmt(Double(memoryBudget) / 1e6)) MB")
        try? FileSystem.removeTree(work)
        return lines
    }

    private static func feed(_ path: String, into stage: inout any Stage, stats: inout StageStats) throws {
        let reader = JSONLReader()
        var readStats = StageStats(name: "read")
        var batch: [Document] = []
        var sink: [Document] = []
        try reader.read(path, stats: &readStats) { doc in
            batch.append(doc)
            if batch.count == Run.batchSize {
                try stage.process(batch, into: &sink, stats: &stats)
                batch.removeAll(keepingCapacity: true)
                sink.removeAll(keepingCapacity: true)
            }
        }
        try stage.process(batch, into: &sink, stats: &stats)
        try stage.finish(into: &sink, stats: &stats)
    }
}
