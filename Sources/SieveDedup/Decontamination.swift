#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// Decontamination: documents that share word n-grams with evaluation sets are dropped or marked,
/// so a model is not trained on the benchmarks it is judged by.
///
/// As in GPT-3 (Brown et al. 2020, "Language Models are Few-Shot Learners", appendix C): 13-grams
/// of words, compared after lowercasing and removing punctuation and whitespace differences (here
/// `TextSimplifier`, which also strips accents; numbers are kept as written); Llama 2 (Touvron et
/// al. 2023, appendix A.6) and the Llama 3 report (Dubey et al. 2024, §5.1.4) likewise count
/// contamination by shared 8–13-grams. A document is contaminated by a set when it shares at
/// least `minMatches` distinct n-grams with it (GPT-3: one). Evaluation examples of fewer than
/// `ngram` words can never match and are counted (use a smaller `ngram` for such sets, as GPT-3
/// did down to 8).
public struct DecontaminationConfig: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Drop contaminated documents (reason `contaminated`).
        case drop
        /// Keep them, with `metadata[field]` = `{set: distinct matching n-grams, …}`.
        case mark
    }

    public var sets: [EvalSet]
    public var reader: EvalReader
    public var ngram: Int
    public var minMatches: Int
    public var mode: Mode
    public var field: String
    /// Bytes of n-gram records held while the index is built, before a sorted run is spilled.
    public var memoryBudget: Int64

    public init(sets: [EvalSet], reader: EvalReader = EvalReader(), ngram: Int = 13, minMatches: Int = 1,
                mode: Mode = .drop, field: String = "contamination", memoryBudget: Int64 = 1 << 30) {
        self.sets = sets
        self.reader = reader
        self.ngram = ngram
        self.minMatches = minMatches
        self.mode = mode
        self.field = field
        self.memoryBudget = memoryBudget
    }

    /// Identifies what the index holds: an index built for other sets or n-grams is refused.
    public var indexHash: UInt64 {
        let sets = self.sets.map { $0.name + "=" + $0.files.joined(separator: ",") }.joined(separator: ";")
        return XXHash64.hash("decontaminate 1 \(ngram) \(reader.unit) \(reader.textFields) \(sets)")
    }

    /// Builds the index at `path` (scratch files under `path` + `.runs`).
    public func buildIndex(at path: String, stats: inout StageStats) throws {
        try NgramIndex.build(sets: sets, reader: reader, ngram: ngram, configHash: indexHash, to: path,
                             scratch: path + ".runs", memoryBudget: memoryBudget, stats: &stats)
    }
}

/// The `decontaminate` filter. In a run it maps the index that the step's `index` phase built;
/// on the shell (`sieve filter decontaminate --eval …`) it builds the index in a temporary
/// directory when the first documents arrive (not when the step is only checked), maps it and
/// removes the directory. Stats: `forwarded`, `dropped_contaminated` or `marked`, and per set
/// `contaminated_<set>` (documents) and `ngram_matches_<set>` (distinct n-grams, summed over
/// documents, counting those below `min_matches` too).
public struct DecontaminationFilter: IndependentStage {
    public let config: DecontaminationConfig
    private var index: NgramIndex?
    private var hasher: NgramHasher
    private var matched: [Record] = []
    private var hashes: [UInt64] = []
    private let names: [String]

    /// Filters with the index at `indexPath`, or with one built in-process when it is nil.
    public init(config: DecontaminationConfig, indexPath: String? = nil) throws {
        self.config = config
        hasher = NgramHasher(n: config.ngram)
        names = config.sets.map { statName($0.name) }
        if let indexPath { index = try NgramIndex.open(indexPath, configHash: config.indexHash) }
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        let index = try self.index ?? buildInProcess(stats: &stats)
        for var doc in batch {
            switch decide(&doc, index: index, stats: &stats) {
            case .keep:
                stats.count(doc)
                output.append(doc)
            case .drop(let reason):
                stats.drop(doc, reason: reason)
            }
        }
    }

    /// The verdict on one document (marking it in `mark` mode).
    mutating func decide(_ doc: inout Document, index: NgramIndex, stats: inout StageStats) -> Verdict {
        var matched = self.matched, hashes = self.hashes
        matched.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        defer { (self.matched, self.hashes) = (matched, hashes) }
        // Hashing first and probing after, in a loop of independent loads, lets the processor
        // wait for many filter words at once.
        hasher.forEachNgram(doc.text) { hashes.append($0) }
        for h in hashes {
            index.forEachSet(containing: h) { matched.append(Record(UInt64($0), h)) }
        }
        guard !matched.isEmpty else { return .keep }
        matched.sort()
        var found = JSONObject()
        var start = 0
        while start < matched.count {
            let set = matched[start].a
            var end = start, distinct: Int64 = 0
            while end < matched.count, matched[end].a == set {
                if end == start || matched[end] != matched[end - 1] { distinct += 1 }
                end += 1
            }
            stats.add("ngram_matches_" + names[Int(set)], distinct)
            if distinct >= config.minMatches {
                stats.add("contaminated_" + names[Int(set)])
                found.append(key: config.sets[Int(set)].name, value: JSONValue(Int(distinct)))
            }
            start = end
        }
        guard !found.isEmpty else { return .keep }
        doc.metadata[config.field] = .object(found)
        guard config.mode == .drop else {
            stats.add("marked")
            return .keep
        }
        return .drop(reason: "contaminated")
    }

    /// Builds the index in a fresh temporary directory, maps it and removes the directory.
    private mutating func buildInProcess(stats: inout StageStats) throws -> NgramIndex {
        let base = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/sieve-decontaminate-XXXXXX"
        var template = Array(base.utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SieveError.io(path: base, message: "cannot create a temporary directory: " + String(cString: strerror(errno)))
        }
        let directory = String(cString: made)
        defer { try? FileSystem.removeTree(directory) }
        try config.buildIndex(at: directory + "/index.ngrams", stats: &stats)
        let index = try NgramIndex.open(directory + "/index.ngrams", configHash: config.indexHash)
        self.index = index
        return index
    }
}

/// `decontaminate` in a run: the index needs no document of the corpus, so its one `index` task
/// runs before the first phase and writes the n-gram index of the evaluation sets under the
/// step's work directory; every task of the phase where the step stands maps that one file and
/// filters in place (nothing is staged).
public struct DecontaminationCorpusStage: CorpusStage {
    public let config: DecontaminationConfig

    public init(config: DecontaminationConfig) { self.config = config }

    public var reducePhases: [(name: String, tasks: Int)] { [("index", 1)] }

    public var needsDocuments: Bool { false }

    static func indexPath(_ work: String) -> String { work + "/index.ngrams" }

    /// Never called in a run (`needsDocuments` is false).
    public func collector(file: Int, work: String) throws -> any Stage { Discard() }

    public func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws {
        try config.buildIndex(at: Self.indexPath(work), stats: &stats)
    }

    public func filter(file: Int, work: String) throws -> any Stage {
        try DecontaminationFilter(config: config, indexPath: Self.indexPath(work))
    }
}

/// A collector with nothing to collect.
struct Discard: Stage {
    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {}
}
