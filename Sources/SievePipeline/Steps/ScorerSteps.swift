import SieveCore
import SieveModel

/// Steps of the scorers (SieveModel): learned quality and toxicity.
let scorerSteps: [StepDefinition] = [
    StepDefinition(
        name: "quality", summary: "score quality with a trained scorer (metadata.quality_score); keep scores >= threshold",
        keys: ["model", "threshold", "keep_top", "key", "sketch"]
    ) { params, context in
        let model = try loadModel(&params)
        if params.value("keep_top") != nil {
            throw params.location.error(key: "keep_top", "a global percentile cut needs the run's phase framework, "
                + "which is not available yet: use 'threshold', or 'sketch' to collect the score distribution")
        }
        let threshold = try params.string("threshold") == nil ? nil : try params.double("threshold", default: 0, range: 0...1)
        let sketch = try params.string("sketch").map { context.outputPath($0) + "/" + context.shardPrefix + ".json" }
        return QualityStage(model: model, threshold: threshold, key: try params.string("key"), sketchPath: sketch)
    },
    StepDefinition(
        name: "toxicity", summary: "remove toxic sentences with a trained scorer; drop a document when most of it is gone",
        keys: ["model", "threshold", "max_removed_fraction", "key"]
    ) { params, context in
        ToxicityStage(model: try loadModel(&params), threshold: try params.double("threshold", default: 0.9, range: 0...1),
                      maxRemovedFraction: try params.double("max_removed_fraction", default: 0.5, range: 0...1),
                      key: try params.string("key"))
    },
]

/// The scorer directory named by `model` (with `model.safetensors` and `config.json`).
private func loadModel(_ params: inout StepParams) throws -> ScorerModel {
    let path = try params.requiredString("model")
    do {
        return try ScorerModel.load(path)
    } catch {
        throw params.location.error(key: "model", "\(error) (train one with 'sieve scorer train')")
    }
}
