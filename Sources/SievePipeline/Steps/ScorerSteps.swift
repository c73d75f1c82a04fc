import SieveCore
import SieveModel

/// Steps of the scorers (SieveModel): learned quality and toxicity.
let scorerSteps: [StepDefinition] = [
    StepDefinition(
        name: "quality", summary: "score quality with a trained scorer (metadata.quality_score); keep scores >= threshold or the top share",
        keys: ["model", "threshold", "keep_top", "key", "sketch"],
        corpus: { params, _ in
            // keep_top is a global percentile: a cut phase between scoring and selecting.
            guard let keepTop = try keepTop(&params) else {
                for key in ["model", "threshold", "key", "sketch"] { _ = params.value(key) }
                return nil
            }
            return QualityCorpusStage(model: try loadModel(&params), keepTop: keepTop, key: try params.string("key"))
        }
    ) { params, context in
        let keepTop = try keepTop(&params)
        let model = try loadModel(&params)
        let threshold = try params.string("threshold") == nil ? nil : try params.double("threshold", default: 0, range: 0...1)
        let sketch = try params.string("sketch").map { context.outputPath($0) + "/" + context.shardPrefix + ".json" }
        return QualityStage(model: model, threshold: threshold, keepTop: keepTop, key: try params.string("key"), sketchPath: sketch)
    },
    StepDefinition(
        name: "toxicity", summary: "remove toxic sentences with a trained scorer; drop a document when most of it is gone",
        keys: ["model", "threshold", "max_removed_fraction", "min_words", "key"]
    ) { params, _ in
        ToxicityStage(model: try loadModel(&params), threshold: try params.double("threshold", default: 0.9, range: 0...1),
                      maxRemovedFraction: try params.double("max_removed_fraction", default: 0.5, range: 0...1),
                      minWords: try params.int("min_words", default: 3, range: 0...1000), key: try params.string("key"))
    },
]

/// The scorer directory named by `model` (with `model.safetensors` and `config.json`).
private func loadModel(_ params: inout StepParams) throws -> ScorerModel {
    let path = try params.requiredString("model")
    do {
        return try LoadedResources.shared(path) { try ScorerModel.load(path) }
    } catch {
        throw params.location.error(key: "model", "\(error) (train one with 'sieve scorer train')")
    }
}

/// `keep_top`: the share of documents to keep (0.3 keeps the best 30%); it excludes `threshold` and `sketch`.
private func keepTop(_ params: inout StepParams) throws -> Double? {
    guard try params.string("keep_top") != nil else { return nil }
    let share = try params.double("keep_top", default: 1, range: 0...1)
    for other in ["threshold", "sketch"] where params.value(other) != nil {
        throw params.location.error(key: "keep_top", "'keep_top' and '\(other)' exclude each other")
    }
    return share
}
