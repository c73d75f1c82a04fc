import SieveCore
import SieveIO

/// Exact duplicates: documents with the same 64-bit xxHash64 of their simplified text (see
/// `TextSimplifier`; or of the raw text with `normalize: false`), or of one metadata field such
/// as `url` (as datatrove's `ExactDedup*`/URL dedup, hashing instead of keeping the strings).
/// The first document of each group (smallest input file number and position) survives.
public struct ExactKey: Sendable {
    /// A metadata field to compare instead of the text.
    public var field: String?
    public var normalize: Bool

    public init(field: String? = nil, normalize: Bool = true) {
        self.field = field
        self.normalize = normalize
    }

    public var configHash: UInt64 { XXHash64.hash("exact \(field ?? "") \(normalize)") }

    /// The key of a document; nil when `field` is missing (such a document is never a duplicate).
    public func key(_ doc: Document, simplifier: inout TextSimplifier, scratch: inout [UInt8]) -> UInt64? {
        if let field {
            guard let value = doc.metadata[field], value != .null else { return nil }
            return XXHash64.hash(value.stringValue ?? JSONWriter.string(value))
        }
        guard normalize else { return XXHash64.hash(doc.text) }
        simplifier.simplify(doc.text, into: &scratch)
        return XXHash64.hash(scratch)
    }
}

/// `dedup_exact` in a run: keys spilled per partition, one reduce task per partition groups
/// equal keys, the filter drops all but the first of each group.
public struct ExactCorpusStage: CorpusStage {
    public let key: ExactKey
    public let partitions: Int
    public let options: CorpusOptions

    public init(key: ExactKey, partitions: Int, options: CorpusOptions) {
        self.key = key
        self.partitions = partitions
        self.options = options
    }

    public var reducePhases: [(name: String, tasks: Int)] { [("groups", partitions)] }

    public func collector(file: Int, work: String) throws -> any Stage {
        let spiller = RunSpiller(directory: work + "/keys", file: file, partitions: partitions,
                                 configHash: key.configHash, budgetBytes: options.memoryBudget)
        var scratch: [UInt8] = []
        var simplifier = TextSimplifier()
        let key = self.key, partitions = UInt64(self.partitions)
        return FactCollector(file: file, spiller: spiller) { doc, ref, add in
            guard let k = key.key(doc, simplifier: &simplifier, scratch: &scratch) else { return }
            try add(Record(k, ref), Int(k % partitions))
        }
    }

    public func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws {
        try reducePartition(task, facts: work + "/keys", work: work, configHash: key.configHash, options: options) { group, decisions in
            stats.add("clusters")
            countClusterSize(group.count, in: &stats)
            stats.add("duplicates", Int64(group.count - 1))
            for r in group { decisions.append(Record(r.b, group[0].b, UInt64(group.count))) }
        }
    }

    public func filter(file: Int, work: String) throws -> any Stage {
        DecisionFilter(file: file, decisions: try Decisions.read(file: file, work: work, configHash: key.configHash),
                       decide: clusterVerdict("exact", metadata: options.metadata))
    }
}

/// `dedup_exact` as one streaming stage: a set of the keys seen; the first in input order survives.
public struct ExactStreamingStage: Stage {
    let key: ExactKey
    var seen = Set<UInt64>()
    var scratch: [UInt8] = []
    var simplifier = TextSimplifier()

    public init(key: ExactKey) { self.key = key }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            if let k = key.key(doc, simplifier: &simplifier, scratch: &scratch), !seen.insert(k).inserted {
                stats.drop(doc, reason: "duplicate")
            } else {
                stats.count(doc)
                output.append(doc)
            }
        }
    }
}
