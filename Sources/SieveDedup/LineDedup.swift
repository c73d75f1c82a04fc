import SieveCore
import SieveIO

/// Line deduplication as in CCNet (Wenzek et al. 2020, "CCNet: Extracting High Quality Monolingual
/// Datasets from Web Crawl Data", §3.3): each line is normalized (see `TextSimplifier`) and
/// hashed; a line whose hash appeared in an earlier document (smaller input file number and
/// position) is removed, and a document left with fewer than `minWords` words is dropped
/// (datatrove's `SentenceDedup` uses 50 as `min_doc_words`). Lines that simplify to nothing
/// (blank, punctuation only) are never removed. Repeats inside one document are kept.
public struct LineHasher: Sendable {
    public var minWords: Int

    public init(minWords: Int = 50) { self.minWords = minWords }

    public var configHash: UInt64 { XXHash64.hash("lines \(minWords)") }

    /// Each line's range in `text` (without its newline) and its hash (nil if it simplifies to nothing).
    public static func lines(_ text: String, simplifier: inout TextSimplifier) -> [(range: Range<String.Index>, hash: UInt64?)] {
        var result: [(Range<String.Index>, UInt64?)] = []
        var simplified: [UInt8] = []
        var start = text.startIndex
        while start <= text.endIndex {
            let end = text[start...].firstIndex(of: "\n") ?? text.endIndex
            simplifier.simplify(String(text[start..<end]), into: &simplified)
            result.append((start..<end, simplified.isEmpty ? nil : XXHash64.hash(simplified)))
            if end == text.endIndex { break }
            start = text.index(after: end)
        }
        return result
    }

    /// The document without the lines whose hash is in `remove`, or why it was dropped.
    func apply(_ doc: inout Document, removing remove: Set<UInt64>, simplifier: inout TextSimplifier,
               stats: inout StageStats) -> Verdict {
        guard !remove.isEmpty else { return .keep }
        let lines = Self.lines(doc.text, simplifier: &simplifier)
        let kept = lines.filter { $0.hash.map { !remove.contains($0) } ?? true }
        stats.add("removed_lines", Int64(lines.count - kept.count))
        guard kept.count < lines.count else { return .keep }
        doc.text = kept.map { doc.text[$0.range] }.joined(separator: "\n")
        let words = doc.text.split(whereSeparator: { $0.isWhitespace }).count
        return words < minWords ? .drop(reason: "too_short_after_line_dedup") : .keep
    }
}

/// `dedup_lines` in a run: distinct line hashes per document spilled per partition; one reduce
/// task per partition finds, for each hash, every document but the first that has it.
public struct LineCorpusStage: CorpusStage {
    public let hasher: LineHasher
    public let partitions: Int
    public let options: CorpusOptions

    public init(hasher: LineHasher, partitions: Int, options: CorpusOptions) {
        self.hasher = hasher
        self.partitions = partitions
        self.options = options
    }

    public var reducePhases: [(name: String, tasks: Int)] { [("lines", partitions)] }

    public func collector(file: Int, work: String) throws -> any Stage {
        let spiller = RunSpiller(directory: work + "/lines", file: file, partitions: partitions,
                                 configHash: hasher.configHash, budgetBytes: options.memoryBudget)
        let partitions = UInt64(self.partitions)
        var simplifier = TextSimplifier()
        return FactCollector(file: file, spiller: spiller) { doc, ref, add in
            for h in Set(LineHasher.lines(doc.text, simplifier: &simplifier).compactMap(\.hash)) {
                try add(Record(h, ref), Int(h % partitions))
            }
        }
    }

    public func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws {
        try reducePartition(task, facts: work + "/lines", work: work, configHash: hasher.configHash, options: options) { group, decisions in
            stats.add("duplicated_lines")
            for r in group.dropFirst() { decisions.append(Record(r.b, r.a)) }
        }
    }

    public func filter(file: Int, work: String) throws -> any Stage {
        let hasher = self.hasher
        var simplifier = TextSimplifier()
        return DecisionFilter(file: file, decisions: try Decisions.read(file: file, work: work, configHash: hasher.configHash)) { doc, found, stats in
            hasher.apply(&doc, removing: Set(found.map(\.b)), simplifier: &simplifier, stats: &stats)
        }
    }
}

/// `dedup_lines` as one streaming stage: the hashes of every earlier document's lines in memory.
public struct LineStreamingStage: Stage {
    let hasher: LineHasher
    var seen = Set<UInt64>()
    var simplifier = TextSimplifier()

    public init(hasher: LineHasher) { self.hasher = hasher }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            let hashes = Set(LineHasher.lines(doc.text, simplifier: &simplifier).compactMap(\.hash))
            let verdict = hasher.apply(&doc, removing: hashes.filter { seen.contains($0) }, simplifier: &simplifier, stats: &stats)
            seen.formUnion(hashes)
            switch verdict {
            case .keep:
                stats.count(doc)
                output.append(doc)
            case .drop(let reason):
                stats.drop(doc, reason: reason)
            }
        }
    }
}
