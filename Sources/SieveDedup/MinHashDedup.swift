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
        return FactCollector(file: file, spiller: spiller) { doc, ref, add in
            guard let keys = hasher.bandKeys(doc.text) else { return }
            for (band, key) in keys.enumerated() { try add(Record(key, ref), band) }
        }
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
            for band in 0..<config.bands {
                let reader = try RecordFile.Reader(path: work + "/edges/b" + zeroPadded(band, 2) + ".run", configHash: config.hash)
                while let edge = try reader.next() { sets.union(edge.a, edge.b) }
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
        let metadata = options.metadata
        return DecisionFilter(file: file, decisions: try Decisions.read(file: file, work: work, configHash: config.hash)) { doc, found, _ in
            guard let d = found.first else { return .keep }
            if metadata { doc.recordCluster("minhash", root: d.b, size: d.c) }
            return d.b == d.a ? .keep : .drop(reason: "duplicate")
        }
    }
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
            let root = match ?? Int32(survivors.count)
            for (band, key) in keys.enumerated() where index[band][key] == nil { index[band][key] = root }
            if let match {
                stats.drop(doc, reason: "duplicate")
                if metadata { doc.metadata["minhash_cluster"] = .string(survivors[Int(match)]) }
            } else {
                survivors.append(metadata ? doc.id : "")
                if metadata { doc.metadata["minhash_cluster"] = .string(doc.id) }
                stats.count(doc)
                output.append(doc)
            }
        }
    }
}
