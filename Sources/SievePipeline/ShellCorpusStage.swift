#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO

/// A corpus-wide step (`CorpusStage`) as one shell stage, memory-bounded: documents go to its
/// collector and are staged in a temporary folder (zstd); at the end its reduce phases run, one
/// task after another, and the staged documents go through its filter. The same code as a run's
/// phases, on one "input file".
struct ShellCorpusStage: Stage {
    let corpus: any CorpusStage
    /// Made at the first document (building a stage to check a pipeline file creates nothing).
    var work = ""
    var staging: StagingStage?

    init(_ corpus: any CorpusStage) { self.corpus = corpus }

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        if staging == nil {
            work = try FileSystem.temporaryDirectory("sieve-corpus")
            staging = try StagingStage(collector: try corpus.collector(file: 0, work: work), path: work + "/staged.jsonl.zst")
        }
        try staging!.process(batch, into: &output, stats: &stats)
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        if staging == nil { try process([], into: &output, stats: &stats) }
        defer { try? FileSystem.removeTree(work) }
        try staging!.finish(into: &output, stats: &stats)
        for (phase, reduce) in corpus.reducePhases.enumerated() {
            for task in 0..<reduce.tasks { try corpus.reduce(phase: phase, task: task, work: work, stats: &stats) }
        }
        var filter = try corpus.filter(file: 0, work: work)
        var readStats = StageStats(name: "read")
        var batch: [Document] = []
        try JSONLReader().read(work + "/staged.jsonl.zst", stats: &readStats) { doc in
            batch.append(doc)
            if batch.count == Run.batchSize {
                try filter.process(batch, into: &output, stats: &stats)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try filter.process(batch, into: &output, stats: &stats)
        try filter.finish(into: &output, stats: &stats)
    }
}

extension FileSystem {
    /// A new empty folder `NAME-XXXXXX` under `$TMPDIR` (or /tmp); the caller removes it.
    static func temporaryDirectory(_ name: String) throws -> String {
        let root = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array((root + "/" + name + "-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw SieveError.io(path: root, message: "cannot create a temporary folder") }
        return String(cString: made)
    }
}
