import SieveCore
import SieveIO

extension Benchmarks {
    /// `sieve mix` over three sources of real documents repeated to `size` in all (web pages 60%,
    /// books 25%, Wikipedia 15%), mixed 50/30/20 by bytes with no total: web is sampled, books and
    /// Wikipedia are used whole (the scarcest sets the size). Every input byte is read twice.
    public static func mix(size: Int64, work: String) throws -> [Result] {
        let sources = [("web", "fixtures/jsonl/dolma-cc-2019-30.jsonl.gz", 0.6, 0.5), ("books", "fixtures/scorer/gutenberg-chunks.jsonl.gz", 0.25, 0.3),
                       ("wiki", "fixtures/scorer/wiki-en.jsonl.gz", 0.15, 0.2)]
        var plan = MixPlan(sources: [])
        var inputBytes: Int64 = 0
        for (name, source, share, weight) in sources {
            let path = "\(work)/\(name)-\(size).jsonl"
            try makeJSONL(from: source, to: path, bytes: Int64(Double(size) * share))
            inputBytes += FileSystem.size(path) ?? 0
            plan.sources.append(.init(name: name, match: [path], amount: weight))
        }
        plan.unit = .bytes
        plan.seed = 1
        try? FileSystem.removeTree(work + "/mixed")
        let start = now(), cpu = cpuTime()
        let stats = try MixCorpusStage.mix(plan: plan, output: .init(directory: work + "/mixed"))
        Log.info(summary(stats))
        let documents = stats["total"]
        return [Result(name: "mix (count + sample + write zstd), wall, input bytes", bytes: inputBytes, documents: documents,
                       seconds: now() - start, peakRSSBytes: peakRSS(), cpuSeconds: cpuTime() - cpu)]
    }

    /// The price of a cut-off: one scoring pass (the FineWeb filter chain in `mode: annotate`
    /// plus `attributes`) against one `apply` pass over its attributes, both reading `path`.
    public static func apply(path: String, work: String) throws -> [Result] {
        let annotate = fineWebFilterChain.map { ($0.step, $0.params + [("mode", "annotate")]) }
            + [("attributes", [("path", work + "/attributes")])]
        let where_ = fineWebFilterChain.map { "\($0.step) == keep" }.joined(separator: ",")
        let apply = [("apply", [("attributes", work + "/attributes/bench.jsonl.zst"), ("where", where_)])]
        var results: [Result] = []
        for (name, steps) in [("score once: FineWeb chain, mode annotate + attributes", annotate), ("apply a cut-off to the attributes", apply)] {
            var chain = StageChain(try steps.map { step, params in
                let entries = params.map { (key: $0.0, value: ParamValue.scalar($0.1, .commandLine("bench"))) }
                return try Registry.step(step, at: .commandLine("bench"))
                    .make(StepParams(step: step, location: .commandLine("bench"), entries: entries), context: StepContext(shardPrefix: "bench"))
            }, names: steps.map(\.0))
            var bytes: Int64 = 0, documents: Int64 = 0, kept = 0
            var batch: [Document] = []
            var readStats = StageStats(name: "read")
            let start = now(), cpu = cpuTime()
            try JSONLReader().read(path, stats: &readStats) { doc in
                bytes += Int64(doc.text.utf8.count)
                documents += 1
                batch.append(doc)
                if batch.count == 256 {
                    kept += try chain.process(batch).count
                    batch.removeAll(keepingCapacity: true)
                }
            }
            kept += try chain.process(batch).count + chain.finish().count
            Log.info("\(name): \(kept) of \(documents) documents passed")
            results.append(Result(name: name + " (with JSONL parsing)", bytes: bytes, documents: documents, seconds: now() - start,
                                  peakRSSBytes: peakRSS(), cpuSeconds: cpuTime() - cpu))
        }
        return results
    }
}
