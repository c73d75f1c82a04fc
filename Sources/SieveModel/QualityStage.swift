import SieveCore

/// The `quality` step: writes the scorer's calibrated probability to `metadata.quality_score`
/// (always, so a corpus can be re-thresholded without rescoring) and, with a `threshold`,
/// drops documents scoring below it (`dropped_below_threshold`).
///
/// Every score also goes into a `QuantileSketch`; with a sketch path the stage writes it there
/// when it finishes, so score distributions can be compared and merged later.
///
/// With `keepTop` (the shell form of `keep_top`; a pipeline run uses `QualityCorpusStage`) the
/// stage holds every document until the input ends, then keeps the top share by the same
/// sketch cut-off, in input order.
public struct QualityStage: Stage {
    public let model: ScorerModel
    public let threshold: Double?
    public let keepTop: Double?
    public let key: String
    public let sketchPath: String?
    var sketch = QuantileSketch()
    var scratch = LinearScorer.Scratch()
    var held: [Document] = []

    public init(model: ScorerModel, threshold: Double?, keepTop: Double? = nil, key: String? = nil, sketchPath: String? = nil) {
        self.model = model
        self.threshold = threshold
        self.keepTop = keepTop
        self.key = key ?? model.task + "_score"
        self.sketchPath = sketchPath
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            let score = roundedScore(model.scorer.analyze(doc.text, scratch: &scratch).score)
            doc.metadata[key] = JSONValue(score)
            sketch.add(score)
            if keepTop != nil {
                held.append(doc)
            } else if let threshold, score < threshold {
                stats.drop(doc, reason: "below_threshold")
            } else {
                stats.count(doc)
                output.append(doc)
            }
        }
    }

    public mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        if let keepTop {
            let cut = sketch.threshold(keepingTop: keepTop)
            for doc in held {
                if (doc.metadata[key]?.doubleValue ?? 0) >= cut {
                    stats.count(doc)
                    output.append(doc)
                } else {
                    stats.drop(doc, reason: "below_top_share")
                }
            }
            held = []
        }
        guard let sketchPath else { return }
        try FileSystem.writeFile(sketchPath, Array((sketch.json + "\n").utf8))
    }
}

/// Scores in metadata keep six decimals: finer than any threshold anyone sets, and short.
func roundedScore(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

/// `quality` with `keep_top` in a pipeline run: a cut-off at a global percentile, computed across
/// all tasks (DESIGN §8.4). The run splits into three phases:
///
/// 1. map: per input file, every document is scored; the scores (in document order) go to
///    `work/scores/FILE.f64` and their sketch to `work/sketches/FILE.json`;
/// 2. `cut` (one task): the sketches are merged (exactly, in any order) and the threshold that
///    keeps the top `keepTop` share is written to `work/cut.json`;
/// 3. filter: per input file, the staged documents get their `quality_score` back from the
///    scores file and those at or above the cut stay (`dropped_below_top_share`).
///
/// Everything is named by input file, so the cut and the outputs do not depend on the number of
/// tasks. The share kept is `keepTop` up to the sketch's resolution (ties at the cut stay).
public struct QualityCorpusStage: CorpusStage {
    public let model: ScorerModel
    public let keepTop: Double
    public let key: String

    public init(model: ScorerModel, keepTop: Double, key: String? = nil) {
        self.model = model
        self.keepTop = keepTop
        self.key = key ?? model.task + "_score"
    }

    public var reducePhases: [(name: String, tasks: Int)] { [("cut", 1)] }

    static func name(_ file: Int) -> String {
        let digits = String(file)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    public func collector(file: Int, work: String) throws -> any Stage {
        ScoreCollector(model: model, scoresPath: work + "/scores/" + Self.name(file) + ".f64",
                       sketchPath: work + "/sketches/" + Self.name(file) + ".json")
    }

    public func reduce(phase: Int, task: Int, work: String, stats: inout StageStats) throws {
        var merged = QuantileSketch()
        let directory = work + "/sketches"
        for name in FileSystem.isDirectory(directory) ? try FileSystem.list(directory) : [] where name.hasSuffix(".json") {
            let path = directory + "/" + name
            do {
                merged.merge(try QuantileSketch(json: try JSONParser.parse(try FileSystem.readText(path))))
            } catch {
                throw SieveError.io(path: path, message: "\(error)")
            }
        }
        let cut = merged.threshold(keepingTop: keepTop)
        stats.add("documents_in_cut", merged.total)
        try FileSystem.writeFile(work + "/cut.json", Array(JSONWriter.string([
            "keep_top": JSONValue(keepTop), "threshold": JSONValue(cut), "documents": JSONValue(Int(merged.total)),
        ]).utf8))
        Log.info("quality: keeping the top \(keepTop) of \(merged.total) documents: \(key) >= \(cut)")
    }

    public func filter(file: Int, work: String) throws -> any Stage {
        let cutPath = work + "/cut.json"
        guard let cut = (try? JSONParser.parse(try FileSystem.readText(cutPath)))?.objectValue?["threshold"]?.doubleValue else {
            throw SieveError.io(path: cutPath, message: "no threshold (the cut phase did not complete)")
        }
        let scoresPath = work + "/scores/" + Self.name(file) + ".f64"
        let bytes = FileSystem.exists(scoresPath) ? try FileSystem.readFile(scoresPath) : []
        guard bytes.count % 8 == 0 else { throw SieveError.corrupt(path: scoresPath, offset: Int64(bytes.count), message: "not a whole number of scores") }
        let scores = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
        return TopShareFilter(scores: scores, cut: cut, key: key, scoresPath: scoresPath)
    }
}

/// The map phase of `QualityCorpusStage`: scores the documents of one input file, passes none on.
struct ScoreCollector: Stage {
    let model: ScorerModel
    let scoresPath: String
    let sketchPath: String
    var scores: [UInt8] = []
    var sketch = QuantileSketch()
    var scratch = LinearScorer.Scratch()

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for doc in batch {
            let score = roundedScore(model.scorer.analyze(doc.text, scratch: &scratch).score)
            withUnsafeBytes(of: score.bitPattern.littleEndian) { scores.append(contentsOf: $0) }
            sketch.add(score)
            stats.add("scored")
        }
    }

    mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        try FileSystem.writeFile(scoresPath, scores)
        try FileSystem.writeFile(sketchPath, Array((sketch.json + "\n").utf8))
    }
}

/// The filter phase of `QualityCorpusStage`: the k-th staged document gets the k-th score.
struct TopShareFilter: Stage {
    let scores: [Double]
    let cut: Double
    let key: String
    let scoresPath: String
    var next = 0

    mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            guard next < scores.count else {
                throw SieveError.corrupt(path: scoresPath, offset: Int64(next * 8), message: "fewer scores than staged documents")
            }
            let score = scores[next]
            next += 1
            doc.metadata[key] = JSONValue(score)
            if score >= cut {
                stats.count(doc)
                output.append(doc)
            } else {
                stats.drop(doc, reason: "below_top_share")
            }
        }
    }
}
