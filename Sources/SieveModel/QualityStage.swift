import SieveCore

/// The `quality` step: writes the scorer's calibrated probability to `metadata.quality_score`
/// (always, so a corpus can be re-thresholded without rescoring) and, with a `threshold`,
/// drops documents scoring below it (`dropped_below_threshold`).
///
/// Every score also goes into a `QuantileSketch`; with a sketch directory the task writes it
/// there when it finishes (`DIR/PREFIX.json`), the partial state from which a barrier phase
/// derives a global `keep_top` cut-off (DESIGN §8.4).
public struct QualityStage: Stage {
    public let model: ScorerModel
    public let threshold: Double?
    public let key: String
    public let sketchPath: String?
    var sketch = QuantileSketch()
    var scratch = LinearScorer.Scratch()

    public init(model: ScorerModel, threshold: Double?, key: String? = nil, sketchPath: String? = nil) {
        self.model = model
        self.threshold = threshold
        self.key = key ?? model.task + "_score"
        self.sketchPath = sketchPath
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            let score = model.scorer.analyze(doc.text, scratch: &scratch).score
            doc.metadata[key] = JSONValue(roundedScore(score))
            sketch.add(score)
            if let threshold, score < threshold {
                stats.drop(doc, reason: "below_threshold")
            } else {
                stats.count(doc)
                output.append(doc)
            }
        }
    }

    public mutating func finish(into output: inout [Document], stats: inout StageStats) throws {
        guard let sketchPath else { return }
        try FileSystem.writeFile(sketchPath, Array((sketch.json + "\n").utf8))
    }
}

/// Scores in metadata keep six decimals: finer than any threshold anyone sets, and short.
func roundedScore(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
