import SieveCore
import SieveDedup
import SieveIO

extension Benchmarks {
    /// `sieve bench decontaminate`: the `decontaminate` step's two halves as a run does them, in
    /// this process (one core): the index phase over the evaluation files `evals` (time, n-grams,
    /// index size, under `memoryBudget`), then the filter phase over the JSONL `corpus` (opening the
    /// index, JSONL parsing excluded from the step's own rate). Prints docs/s per core (CPU time of
    /// the thread) next to wall-clock rates and the peak RSS.
    public static func decontamination(corpus: String, evals: [String], ngram: Int, memoryBudget: Int64, work: String) throws -> [String] {
        try? FileSystem.removeTree(work)
        let config = DecontaminationConfig(sets: try EvalSet.resolve(evals), ngram: ngram, memoryBudget: memoryBudget)
        let stage = DecontaminationCorpusStage(config: config)
        var lines: [String] = []
        var stats = StageStats(name: "decontaminate")

        var start = now(), startCPU = threadCPUTime()
        try stage.reduce(phase: 0, task: 0, work: work, stats: &stats)
        lines.append("index phase: \(stats["index_ngrams"]) distinct \(ngram)-grams, "
                     + "\(fmt(Double(stats["index_bytes"]) / 1e6)) MB index in \(fmt(now() - start)) s wall, \(fmt(threadCPUTime() - startCPU)) s CPU; "
                     + "memory budget \(fmt(Double(memoryBudget) / 1e6)) MB, peak RSS \(fmt(Double(peakRSS()) / 1e6)) MB")

        start = now()
        startCPU = threadCPUTime()
        var filter = try stage.filter(file: 0, work: work)
        lines.append("opening the index (checksum, directory, mmap): \(fmt(now() - start)) s wall, \(fmt(threadCPUTime() - startCPU)) s CPU")

        let reader = JSONLReader()
        var readStats = StageStats(name: "read")
        var batch: [Document] = []
        var output: [Document] = []
        var bytes: Int64 = 0, documents: Int64 = 0, seconds = 0.0, cpu = 0.0
        func flush() throws {
            let start = now(), startCPU = threadCPUTime()
            try filter.process(batch, into: &output, stats: &stats)
            seconds += now() - start
            cpu += threadCPUTime() - startCPU
            batch.removeAll(keepingCapacity: true)
            output.removeAll(keepingCapacity: true)
        }
        let total = now(), totalCPU = threadCPUTime()
        try reader.read(corpus, stats: &readStats) { doc in
            bytes += Int64(doc.text.utf8.count)
            documents += 1
            batch.append(doc)
            if batch.count == Run.batchSize { try flush() }
        }
        try flush()
        let wall = now() - total, allCPU = threadCPUTime() - totalCPU
        lines.append(Result(name: "filter phase, step only (text bytes, 1 core, CPU time of the thread)", bytes: bytes,
                            documents: documents, seconds: cpu, peakRSSBytes: peakRSS(), cpuSeconds: cpu).description)
        lines.append("filter phase, step only: \(fmt(Double(documents) / cpu)) docs/s per core (\(fmt(Double(documents) / seconds)) docs/s wall clock)")
        lines.append("filter phase with JSONL parsing: \(fmt(Double(documents) / allCPU)) docs/s per core, \(fmt(Double(bytes) / 1e6 / allCPU)) MB/s per core "
                     + "(\(fmt(wall)) s wall, \(fmt(allCPU)) s CPU)")
        lines.append("decontaminate: \(stats["total"]) documents, \(stats["dropped_contaminated"]) contaminated; peak RSS \(fmt(Double(peakRSS()) / 1e6)) MB")
        try? FileSystem.removeTree(work)
        return lines
    }
}
