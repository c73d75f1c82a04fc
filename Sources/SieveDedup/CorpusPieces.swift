import SieveCore
import SieveIO

/// The collector every dedup kind uses in the map phase: numbers the documents of one input file
/// in order, asks `facts` for their records and spills them as sorted runs under the memory
/// budget. Passes no document on (the runner stages them).
struct FactCollector: Stage {
    let file: Int
    let spiller: RunSpiller
    let facts: (Document, UInt64, (Record, Int) throws -> Void) throws -> Void
    /// Completes files the facts closure writes besides the runs.
    var close: () throws -> Void = {}
    var ordinal = 0

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            try facts(doc, DocumentRef.make(file: file, ordinal: ordinal)) { try spiller.add($0, partition: $1) }
            ordinal += 1
            stats.add("collected")
        }
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try spiller.spill()
        try close()
        stats.add("spilled_runs", Int64(spiller.spilledRuns))
    }
}

/// Decisions of a reduce, per input file: records whose first word is a document reference,
/// written as `work/decisions/<group>/<file>.run` and read back by that file's filter.
enum Decisions {
    static func directory(_ work: String) -> String { work + "/decisions" }

    /// Sorts `records` (first word: document reference) and writes one file per input file.
    static func write(_ records: [Record], work: String, group: String, configHash: UInt64) throws {
        let sorted = records.sorted()
        var start = 0
        while start < sorted.count {
            let file = DocumentRef.file(sorted[start].a)
            var end = start
            while end < sorted.count, DocumentRef.file(sorted[end].a) == file { end += 1 }
            let path = directory(work) + "/" + group + "/" + zeroPadded(file, 5) + ".run"
            try RecordFile.write(sorted[start..<end], to: path, configHash: configHash)
            start = end
        }
    }

    /// Every decision about input file `file`, sorted, from all groups.
    static func read(file: Int, work: String, configHash: UInt64) throws -> [Record] {
        let dir = directory(work)
        guard FileSystem.isDirectory(dir) else { return [] }
        var records: [Record] = []
        for group in try FileSystem.list(dir) where !group.hasPrefix(".") {
            let path = dir + "/" + group + "/" + zeroPadded(file, 5) + ".run"
            if FileSystem.exists(path) { records += try RecordFile.readAll(path, configHash: configHash) }
        }
        return records.sorted()
    }
}

/// The filter every dedup kind uses in the filter phase: looks up the decisions about each
/// document (by its place in the file) and lets `decide` keep, change or drop it.
struct DecisionFilter: IndependentStage {
    let file: Int
    let decisions: [Record]
    let decide: (inout Document, ArraySlice<Record>, inout StageStats) -> Verdict
    var ordinal = 0
    var next = 0

    /// Documents are known by their place in the file: skipped ones still take their places.
    mutating func skip(_ count: Int) { ordinal += count }

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            let ref = DocumentRef.make(file: file, ordinal: ordinal)
            ordinal += 1
            while next < decisions.count, decisions[next].a < ref { next += 1 }
            var end = next
            while end < decisions.count, decisions[end].a == ref { end += 1 }
            switch decide(&doc, decisions[next..<end], &stats) {
            case .keep:
                stats.count(doc)
                output.append(doc)
            case .drop(let reason):
                stats.drop(doc, reason: reason)
            }
            next = end
        }
    }
}

/// A reduce task over hash partition `task` of `facts` (a directory of spilled runs): merges
/// the partition's runs, lets `decide` turn each group of two or more records with one key into
/// decisions, and writes them per input file.
func reducePartition(_ task: Int, facts: String, work: String, configHash: UInt64, options: CorpusOptions,
                     decide: ([Record], inout [Record]) -> Void) throws {
    var runs = try MergedRuns(paths: try RunSpiller.runs(facts, partition: task), configHash: configHash,
                              memoryBudget: options.memoryBudget / 2)
    var decisions: [Record] = []
    try forEachGroup(&runs) { group in
        if group.count > 1 { decide(group, &decisions) }
    }
    try Decisions.write(decisions, work: work, group: "p" + zeroPadded(task, 2), configHash: configHash)
}

/// The filter verdict of a cluster member: decisions (ref, survivor, size) drop every member but
/// the survivor and, with `metadata`, record the cluster under `prefix`.
func clusterVerdict(_ prefix: String, metadata: Bool) -> (inout Document, ArraySlice<Record>, inout StageStats) -> Verdict {
    { doc, found, _ in
        guard let d = found.first else { return .keep }
        if metadata { doc.recordCluster(prefix, root: d.b, size: d.c) }
        return d.b == d.a ? .keep : .drop(reason: "duplicate")
    }
}

/// Groups of equal first words in a merged, sorted stream of records.
func forEachGroup(_ runs: inout MergedRuns, _ body: ([Record]) throws -> Void) throws {
    var group: [Record] = []
    while let r = try runs.next() {
        if let first = group.first, first.a != r.a {
            try body(group)
            group.removeAll(keepingCapacity: true)
        }
        group.append(r)
    }
    if !group.isEmpty { try body(group) }
}

/// Union-find over document references (Tarjan 1975, path halving); the root of a set is its
/// smallest reference, so the survivor of a cluster is the same whatever order edges come in.
struct UnionFind {
    private var index: [UInt64: Int32] = [:]
    private(set) var refs: [UInt64] = []
    private var parent: [Int32] = []

    mutating func id(_ ref: UInt64) -> Int32 {
        if let k = index[ref] { return k }
        let k = Int32(refs.count)
        index[ref] = k
        refs.append(ref)
        parent.append(k)
        return k
    }

    mutating func find(_ x: Int32) -> Int32 {
        var x = x
        while parent[Int(x)] != x {
            parent[Int(x)] = parent[Int(parent[Int(x)])]
            x = parent[Int(x)]
        }
        return x
    }

    mutating func union(_ x: UInt64, _ y: UInt64) {
        let rx = find(id(x)), ry = find(id(y))
        if rx == ry { return }
        if refs[Int(rx)] < refs[Int(ry)] { parent[Int(ry)] = rx } else { parent[Int(rx)] = ry }
    }

    /// Every member with its root's reference and its cluster's size.
    mutating func clusters() -> [(ref: UInt64, root: UInt64, size: Int)] {
        var sizes = [Int](repeating: 0, count: refs.count)
        let roots = (0..<refs.count).map { find(Int32($0)) }
        for r in roots { sizes[Int(r)] += 1 }
        return refs.indices.map { (refs[$0], refs[Int(roots[$0])], sizes[Int(roots[$0])]) }
    }
}

/// Counts cluster sizes in powers of two: `cluster_size_2`, `cluster_size_3_4`, `cluster_size_5_8`, …
func countClusterSize(_ size: Int, in stats: inout StageStats) {
    var upper = 2
    while upper < size { upper *= 2 }
    let lower = upper / 2 + 1
    stats.add(upper == 2 ? "cluster_size_2" : "cluster_size_\(lower)_\(upper)")
}

/// Parameters every dedup kind shares in a run.
public struct CorpusOptions: Sendable {
    /// Memory for records held before a sorted run is spilled, per task.
    public var memoryBudget: Int64
    /// Adds cluster id and size to the metadata of duplicates and survivors.
    public var metadata: Bool
    public init(memoryBudget: Int64 = 1 << 30, metadata: Bool = false) {
        self.memoryBudget = memoryBudget
        self.metadata = metadata
    }
}

extension Document {
    /// Records the cluster (its surviving document's reference) and its size under `prefix`.
    mutating func recordCluster(_ prefix: String, root: UInt64, size: UInt64) {
        metadata[prefix + "_cluster"] = .string("\(DocumentRef.file(root)):\(DocumentRef.ordinal(root))")
        metadata[prefix + "_cluster_size"] = JSONValue(Int(size))
    }
}
