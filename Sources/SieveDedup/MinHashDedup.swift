import SieveCore
import SieveIO

/// Near-duplicate removal with MinHash-LSH (see `MinHashConfig` for the method and defaults).
///
/// In a pipeline run it is four phases (DESIGN §7): signatures per input file (band keys
/// spilled as sorted runs per band); `buckets`, one task per band, merging that band's runs and
/// linking the documents that share a key to the smallest of them; `clusters`, a union-find over
/// those links (only documents with a candidate take part), writing each input file's
/// decisions; and the filter per input file. A cluster's survivor is its smallest document
/// reference (input file number, then position), so the kept set is the same for any number of
/// tasks and workers.
public struct MinHashCorpusStage: CorpusStage {
    public let config: MinHashConfig
    public let options: CorpusOptions

    public init(config: MinHashConfig, options: CorpusOptions) {
        self.config = config
        self.options = options
    }

    public var reducePhases: [(name: String, tasks: Int)] { [("buckets", config.bands), ("clusters", 1)] }

    public func collector(file: Int, work: String) throws -> any Stage {
        var hasher = MinHasher(config)
        let spiller = RunSpiller(directory: work + "/bands", file: file, partitions: config.bands,
                                 configHash: config.hash, budgetBytes: options.memoryBudget)
        // With verification, each document's shingles too: (ref, shingle), in document order.
        let shingles = config.verify > 0
            ? try RecordFile.Writer(path: Self.shinglePath(work, file), configHash: config.hash) : nil
        var collector = FactCollector(file: file, spiller: spiller) { doc, ref, add in
            guard let keys = hasher.bandKeys(doc.text) else { return }
            for (band, key) in keys.enumerated() { try add(Record(key, ref), band) }
            if let shingles { for x in hasher.lastShingles { try shingles.append(Record(ref, x)) } }
        }
        if let shingles { collector.close = { try shingles.close() } }
        return collector
    }

    static func shinglePath(_ work: String, _ file: Int) -> String { work + "/shingles/" + zeroPadded(file, 5) + ".run" }

    /// The shingle sets of `refs`, read from the shingle files of their input files.
    func shingleSets(of refs: Set<UInt64>, work: String) throws -> [UInt64: [UInt64]] {
        var sets: [UInt64: [UInt64]] = [:]
        for file in Set(refs.map(DocumentRef.file)).sorted() {
            let reader = try RecordFile.Reader(path: Self.shinglePath(work, file), configHash: config.hash)
            while let r = try reader.next() { if refs.contains(r.a) { sets[r.a, default: []].append(r.b) } }
        }
        return sets
    }

    public func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws {
        if phase == 0 {
            // One band: documents sharing a key are linked to the smallest of them.
            var runs = try MergedRuns(paths: try RunSpiller.runs(work + "/bands", partition: task),
                                      configHash: config.hash, memoryBudget: options.memoryBudget / 2)
            let writer = try RecordFile.Writer(path: work + "/edges/b" + zeroPadded(task, 2) + ".run", configHash: config.hash)
            try forEachGroup(&runs) { group in
                guard group.count > 1 else { return }
                stats.add("buckets_with_candidates")
                for r in group.dropFirst() where r.b != group[0].b { try writer.append(Record(r.b, group[0].b)) }
                stats.add("candidate_links", Int64(group.count - 1))
            }
            try writer.close()
        } else {
            var sets = UnionFind()
            var edges: [Record] = []
            for band in 0..<config.bands {
                let reader = try RecordFile.Reader(path: work + "/edges/b" + zeroPadded(band, 2) + ".run", configHash: config.hash)
                while let edge = try reader.next() {
                    if config.verify > 0 { edges.append(edge) } else { sets.union(edge.a, edge.b) }
                }
            }
            if config.verify > 0 {
                // Exact Jaccard of every distinct candidate pair; only pairs above `verify` link.
                edges = sortedUnique(edges)
                let shingles = try shingleSets(of: Set(edges.flatMap { [$0.a, $0.b] }), work: work)
                for edge in edges {
                    if jaccard(shingles[edge.a] ?? [], shingles[edge.b] ?? []) >= config.verify {
                        sets.union(edge.a, edge.b)
                    } else {
                        stats.add("candidates_rejected_by_verification")
                    }
                }
            }
            let members = sets.clusters()
            for m in members where m.ref == m.root {
                stats.add("clusters")
                countClusterSize(m.size, in: &stats)
            }
            stats.add("duplicates", Int64(members.count(where: { $0.ref != $0.root })))
            try Decisions.write(members.map { Record($0.ref, $0.root, UInt64($0.size)) }, work: work, group: "clusters",
                                configHash: config.hash)
        }
    }

    public func filter(file: Int, work: String) throws -> any Stage {
        DecisionFilter(file: file, decisions: try Decisions.read(file: file, work: work, configHash: config.hash),
                       decide: clusterVerdict("minhash", metadata: options.metadata))
    }
}

func sortedUnique(_ records: [Record]) -> [Record] {
    var result: [Record] = []
    for r in records.sorted() where result.last != r { result.append(r) }
    return result
}

/// `dedup_minhash` as one streaming stage (shell pipes): an in-memory LSH index; the first
/// document of a cluster in input order survives. Keys of dropped documents are indexed too
/// (pointing at their survivor), so chains of near-duplicates cluster as in a run.
public struct MinHashStreamingStage: Stage {
    var hasher: MinHasher
    let metadata: Bool
    /// Per band: key → survivor number.
    var index: [[UInt64: Int32]]
    var survivors: [String] = []
    /// With verification: the shingles of each survivor.
    var survivorShingles: [[UInt64]] = []

    public init(config: MinHashConfig, metadata: Bool) {
        hasher = MinHasher(config)
        self.metadata = metadata
        index = Array(repeating: [:], count: config.bands)
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            guard let keys = hasher.bandKeys(doc.text) else {
                stats.count(doc)
                output.append(doc)
                continue
            }
            var match: Int32?
            for (band, key) in keys.enumerated() {
                if let m = index[band][key] { match = min(match ?? m, m) }
            }
            let verify = hasher.config.verify
            let shingles = verify > 0 ? hasher.lastShingles : []
            if let m = match, verify > 0, jaccard(shingles, survivorShingles[Int(m)]) < verify {
                stats.add("candidates_rejected_by_verification")
                match = nil
            }
            let root = match ?? Int32(survivors.count)
            for (band, key) in keys.enumerated() where index[band][key] == nil { index[band][key] = root }
            if let match {
                stats.drop(doc, reason: "duplicate")
                if metadata { doc.metadata["minhash_cluster"] = .string(survivors[Int(match)]) }
            } else {
                survivors.append(metadata ? doc.id : "")
                if verify > 0 { survivorShingles.append(shingles) }
                if metadata { doc.metadata["minhash_cluster"] = .string(doc.id) }
                stats.count(doc)
                output.append(doc)
            }
        }
    }
}
