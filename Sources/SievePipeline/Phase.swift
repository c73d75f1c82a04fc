import SieveCore
import SieveIO

/// One phase of a run: a list of independent tasks, all of which finish before the next phase
/// starts (a barrier). Each task is `sieve run SPEC --run-dir RUN --phase NAME --task i`, so a
/// phase maps onto one Slurm job array.
///
/// A pipeline `s0 s1 D s2 s3` whose step D needs the whole corpus runs as
/// ```
/// map              N tasks   input files → s0 s1 → D's collector (facts under work/02-D/)
///                                         + staged documents (work/02-D/staged/FILE.jsonl.zst)
/// 02-D-<reduce>…   D's own   D's facts → D's decisions (work/02-D/…)
/// 02-D-filter      N tasks   staged documents → D's filter → s2 s3 (→ the next such step)
/// ```
/// Segments (`map`, `…-filter`) take input file i in task i mod N, like a one-phase run. The
/// reduce phases of a step that needs no documents (`CorpusStage.needsDocuments`) come first, and
/// its filter runs inside its segment.
public struct Phase: Sendable {
    public enum Kind: Sendable {
        /// Steps `steps` over each input file; reading the input (`from` nil) or the documents
        /// staged for corpus-wide step `from` through its filter; staging for step `into`, if any.
        case segment(from: Int?, steps: Range<Int>, into: Int?)
        /// Reduce phase `index` of corpus-wide step `step`.
        case reduce(step: Int, index: Int)
    }

    public var name: String
    public var kind: Kind
    public var tasks: Int

    static func plan(steps: [String], corpus: [Int: any CorpusStage], tasks: Int) -> [Phase] {
        func reduces(_ k: Int) -> [Phase] {
            corpus[k]!.reducePhases.enumerated().map { Phase(name: prefix(k, steps) + $1.name, kind: .reduce(step: k, index: $0), tasks: $1.tasks) }
        }
        let keys = corpus.keys.sorted()
        var phases = keys.filter { !corpus[$0]!.needsDocuments }.flatMap(reduces)
        var from: Int?
        var start = 0
        for k in keys.filter({ corpus[$0]!.needsDocuments }) + [nil] as [Int?] {
            let end = k ?? steps.count
            let name = from.map { prefix($0, steps) + "filter" } ?? "map"
            phases.append(Phase(name: name, kind: .segment(from: from, steps: start..<end, into: k), tasks: tasks))
            guard let k else { break }
            phases += reduces(k)
            from = k
            start = k + 1
        }
        return phases
    }

    private static func prefix(_ step: Int, _ steps: [String]) -> String { zeroPadded(step, 2) + "-" + steps[step] + "-" }

    /// What the phase reads and writes, for `--dry-run`.
    public func describe(steps: [String]) -> String {
        switch kind {
        case let .segment(from, range, into):
            let source = from.map { "documents staged for \(steps[$0]) through its filter" } ?? "the input files"
            let names = range.map { steps[$0] }
            let sink = into.map { "\(steps[$0])'s facts and staged documents under work/\(zeroPadded($0, 2))-\(steps[$0])/" }
            return "reads \(source); runs \(names.isEmpty ? "no other step" : names.joined(separator: " → ")); writes \(sink ?? "the outputs")"
        case let .reduce(step, _):
            return "reads and writes \(steps[step])'s files under work/\(zeroPadded(step, 2))-\(steps[step])/"
        }
    }
}

/// The end of a segment before a corpus-wide step: documents go to the step's collector and are
/// written, in order, to the staged file the filter phase reads back.
struct StagingStage: Stage {
    var collector: any Stage
    let writer: AtomicFileSink
    let compressed: ZstdSink
    var line: [UInt8] = []

    init(collector: any Stage, path: String) throws {
        self.collector = collector
        writer = try AtomicFileSink(path: path)
        compressed = ZstdSink(writer, level: 1)
    }

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        line.removeAll(keepingCapacity: true)
        let batch = copy batch
        for doc in batch { NDJSON.encode(doc, to: &line) }
        try line.withUnsafeBytes { try compressed.write($0) }
        var none: [Document] = []
        try collector.process(batch, into: &none, stats: &stats)
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        var none: [Document] = []
        try collector.finish(into: &none, stats: &stats)
        try compressed.close()
    }
}
