import SieveCore
import SieveIO

/// The `train_tokenizer` step: trains a byte-level BPE tokenizer (`BPETrainer`, Hugging Face
/// `tokenizers`' algorithm) on a deterministic sample of the documents that reach it and writes
/// `tokenizer.json` to `path`; documents pass on unchanged. The sample is the documents first in
/// `SampleKey` order (a seeded hash of the text) whose texts add up to at most `sampleBytes`
/// (`BottomSample`), so the tokenizer does not depend on the number of tasks.
public struct TokenizerTraining: Sendable {
    public var trainer: BPETrainer
    /// Where tokenizer.json goes.
    public var path: String
    /// Most bytes of text to train on.
    public var sampleBytes: Int
    public var seed: UInt64
    /// Threads counting pre-tokens.
    public var threads: Int

    public init(trainer: BPETrainer, path: String, sampleBytes: Int, seed: UInt64 = 1, threads: Int = 2) {
        self.trainer = trainer
        self.path = path
        self.sampleBytes = sampleBytes
        self.seed = seed
        self.threads = threads
    }

    /// Trains on the counted sample, writes the tokenizer and records it in `stats`.
    func train(_ counter: consuming SampleCounter, stats: inout StageStats) throws {
        let (counts, documents, bytes) = counter.finish()
        let tokenizer = try trainer.train(counts)
        try tokenizer.save(path)
        stats.add("sampled_documents", documents)
        stats.add("sampled_bytes", bytes)
        stats.add("distinct_pretokens", Int64(counts.distinct))
        stats.add("vocab_size", Int64(tokenizer.vocabSize))
        stats.add("merges", Int64(tokenizer.merges.count))
        Log.info("train_tokenizer: \(path): vocabulary \(tokenizer.vocabSize) from \(documents) documents, \(bytes) bytes")
    }
}

/// Counts the pre-tokens of the sampled texts, 16 MB at a time on several threads.
struct SampleCounter {
    let threads: Int
    private var counts = WordCounts()
    private var text: [UInt8] = []
    private var ends: [Int] = []
    private var documents: Int64 = 0
    private var bytes: Int64 = 0

    init(threads: Int) { self.threads = threads }

    mutating func add(_ document: String) {
        text.append(contentsOf: document.utf8)
        ends.append(text.count)
        if text.count >= 16 << 20 { flush() }
    }

    private mutating func flush() {
        guard !ends.isEmpty else { return }
        counts.add(batch: text, ends: ends, threads: threads)
        documents += Int64(ends.count)
        bytes += Int64(text.count)
        text.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    consuming func finish() -> (WordCounts, documents: Int64, bytes: Int64) {
        flush()
        return (counts, documents, bytes)
    }
}

/// `train_tokenizer` as a shell stage: holds the sample's texts (at most `sampleBytes`) while the
/// documents stream through, and trains when the input ends.
public struct TrainTokenizerStage: Stage {
    public let training: TokenizerTraining
    private var sample: BottomSample<String>
    private var position = 0

    public init(_ training: TokenizerTraining) {
        self.training = training
        sample = BottomSample(budget: training.sampleBytes)
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            sample.add(SampleKey(text: doc.text, seed: training.seed, file: 0, position: position), size: doc.text.utf8.count, payload: doc.text)
            position += 1
            stats.count(doc)
            output.append(doc)
        }
    }

    public mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        var counter = SampleCounter(threads: training.threads)
        for entry in sample.entries { counter.add(entry.payload) }
        sample = BottomSample(budget: 0)
        try training.train(counter, stats: &stats)
    }
}

/// `train_tokenizer` in a pipeline run, a phase barrier (`CorpusStage`):
///
/// 1. map: per input file, the keys of the file's own sample (`BottomSample` of hash, position
///    and size; no text) go to `work/sample/FILE.keys`;
/// 2. `train` (one task): the files' samples are merged into the corpus-wide one, whose texts are
///    read back from the documents staged for the step (`work/staged/FILE.jsonl.zst`), counted
///    and trained on; tokenizer.json is written to `path` under the run directory;
/// 3. filter: every staged document passes on, to the steps after it (`tokenize` with
///    `tokenizer: $train_tokenizer`).
///
/// Memory: 24 bytes per sampled document in the map phase; the pre-token counts in `train`.
public struct TrainTokenizerCorpusStage: CorpusStage {
    public let training: TokenizerTraining

    public init(_ training: TokenizerTraining) { self.training = training }

    public var reducePhases: [(name: String, tasks: Int)] { [("train", 1)] }

    static func keysPath(_ work: String, _ file: Int) -> String { work + "/sample/" + zeroPadded(file, 5) + ".keys" }

    public func collector(file: Int, work: String) throws -> any Stage {
        SampleCollector(training: training, file: file, path: Self.keysPath(work, file))
    }

    public func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws {
        var sample = BottomSample<Void>(budget: training.sampleBytes)
        let directory = work + "/sample"
        for name in FileSystem.isDirectory(directory) ? try FileSystem.list(directory).sorted() : [] where name.hasSuffix(".keys") {
            guard let file = Int(name.dropLast(5)) else { continue }
            try SampleCollector.readKeys(directory + "/" + name) { hash, position, size in
                let key = SampleKey(hash: hash, file: file, position: position)
                if let size { sample.add(key, size: size, payload: ()) } else { sample.add(ceiling: key) }
            }
        }
        var positions: [Int: Set<Int>] = [:]
        for entry in sample.entries { positions[entry.key.file, default: []].insert(entry.key.position) }
        var counter = SampleCounter(threads: training.threads)
        for file in positions.keys.sorted() {
            let staged = work + "/staged/" + zeroPadded(file, 5) + ".jsonl.zst"
            let wanted = positions[file]!
            var position = 0
            var readStats = StageStats(name: "read")
            try JSONLReader().read(staged, stats: &readStats) { doc in
                if wanted.contains(position) { counter.add(doc.text) }
                position += 1
            }
            guard readStats["skipped"] == 0 else {
                throw SieveError.corrupt(path: staged, offset: 0, message: "staged documents could not be read back; delete the run's work/ folder and run again")
            }
        }
        try training.train(counter, stats: &stats)
    }

    public func filter(file: Int, work: String) throws -> any Stage { PassOn() }
}

/// The filter phase of `TrainTokenizerCorpusStage`: every document goes on.
struct PassOn: DocumentFilter {
    func verdict(for doc: Document) -> Verdict { .keep }
}

/// The map phase of `TrainTokenizerCorpusStage`: the sample of one input file, as keys.
struct SampleCollector: Stage {
    let training: TokenizerTraining
    let file: Int
    let path: String
    var sample: BottomSample<Void>
    var position = 0

    init(training: TokenizerTraining, file: Int, path: String) {
        self.training = training
        self.file = file
        self.path = path
        sample = BottomSample(budget: training.sampleBytes)
    }

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            sample.add(SampleKey(text: doc.text, seed: training.seed, file: file, position: position), size: doc.text.utf8.count, payload: ())
            position += 1
        }
    }

    /// Writes the sample: (hash, position, size) as little-endian UInt64s per document, and the
    /// ceiling, if any, with size UInt64.max.
    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        var bytes: [UInt8] = []
        func append(_ values: UInt64...) { for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } } }
        let entries = sample.entries
        for entry in entries { append(entry.key.hash, UInt64(entry.key.position), UInt64(entry.size)) }
        if let ceiling = sample.ceiling { append(ceiling.hash, UInt64(ceiling.position), .max) }
        try FileSystem.writeFile(path, bytes)
        stats.add("sample_candidates", Int64(entries.count))
    }

    /// Reads a keys file: each document's hash, position and size (nil for the ceiling).
    static func readKeys(_ path: String, _ body: (UInt64, Int, Int?) -> Void) throws {
        let bytes = try FileSystem.readFile(path)
        guard bytes.count % 24 == 0 else {
            throw SieveError.corrupt(path: path, offset: Int64(bytes.count), message: "not a whole number of sample keys; delete the run's work/ folder and run again")
        }
        bytes.withUnsafeBytes { raw in
            func value(_ k: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)) }
            for r in 0..<(bytes.count / 24) {
                let size = value(3 * r + 2)
                body(value(3 * r), Int(value(3 * r + 1)), size == .max ? nil : Int(size))
            }
        }
    }
}
