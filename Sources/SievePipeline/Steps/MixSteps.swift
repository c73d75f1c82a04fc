import SieveCore
import SieveIO

/// Steps that combine and select corpora: `mix` (docs/mixing.md), `attributes` and `apply`
/// (docs/attributes.md). Filters take `mode: annotate` (FilterStep.swift).
let mixSteps: [StepDefinition] = [
    StepDefinition(
        name: "mix", summary: "combine sources by weights or budgets (docs, bytes or tokens), up- and down-sampling by seed; writes mixture.json",
        keys: ["sources", "amounts", "unit", "total", "seed", "max_repeat", "by", "tokenizer", "manifest"],
        corpus: { p, context in try mixStage(&p, context) }
    ) { p, context in ShellCorpusStage(try mixStage(&p, context)) },
    StepDefinition(
        name: "attributes", summary: "write {id, attributes} per document (filter verdicts, chosen metadata) to DIR/PREFIX.jsonl.zst",
        keys: ["path", "keys"]
    ) { p, context in
        AttributesStage(path: context.outputPath(try p.requiredString("path")) + "/" + context.shardPrefix + ".jsonl.zst",
                        keys: try p.strings("keys") ?? [])
    },
    StepDefinition(
        name: "apply", summary: "keep documents whose recorded attributes meet every 'where' condition (e.g. quality_score >= 0.3)",
        keys: ["attributes", "where"]
    ) { p, context in
        let conditions = try (p.strings("where") ?? []).map { text in
            do { return try AttributeCondition(text) } catch { throw p.location.error(key: "where", "\(error)") }
        }
        guard !conditions.isEmpty else { throw p.location.error(key: "where", "step 'apply' needs 'where': conditions such as 'gopher_quality == keep'") }
        let records = try p.string("attributes").map { try AttributeRecords(path: $0, prefix: context.shardPrefix) }
        return ApplyStage(conditions: conditions, records: records)
    },
]

/// The `mix` step's plan and manifest from its keys: `sources` as a mapping
/// `NAME: {match: GLOBS, weight: W}` (or `budget: N`), or as a list of `NAME=AMOUNT[@GLOB|…]`
/// (the command line: amounts are weights unless `amounts: budgets`).
private func mixStage(_ p: inout StepParams, _ context: StepContext) throws -> MixCorpusStage {
    var plan = MixPlan(sources: [])
    var amounts = try p.string("amounts").map { _ in try p.choice("amounts", ["weights", "budgets"], default: "weights") }
    guard let sources = p.value("sources") else { throw p.location.error(key: "sources", "step 'mix' needs 'sources'") }
    if case .map(let entries, _) = sources {
        for (name, value) in entries {
            var s = StepParams(step: "mix source '\(name)'", location: value.location,
                               entries: { if case .map(let e, _) = value { e } else { [] } }())
            guard case .map = value else { throw value.location.error(key: name, "expected {match: GLOBS, weight: W} or {match: GLOBS, budget: N}") }
            let match = try s.strings("match") ?? [name]
            let (weight, budget) = (try s.string("weight"), try s.string("budget"))
            try s.finish(known: ["match", "weight", "budget"])
            if weight != nil, budget != nil { throw value.location.error(key: name, "a weight or a budget, not both") }
            let kind = budget != nil ? "budgets" : "weights"
            if let amounts, amounts != kind { throw value.location.error(key: name, "every source needs a \(amounts == "budgets" ? "budget" : "weight")") }
            amounts = kind
            guard let amount = (budget ?? weight).flatMap(MixPlan.amount) else {
                throw value.location.error(key: name, "needs a weight (a fraction) or a budget (an amount)")
            }
            plan.sources.append(.init(name: name, match: match, amount: amount))
        }
    } else {
        for item in try p.strings("sources") ?? [] {
            guard let source = MixPlan.Source(compact: item) else {
                throw p.location.error(key: "sources", "'\(item)' is not NAME=AMOUNT or NAME=AMOUNT@GLOB")
            }
            plan.sources.append(source)
        }
    }
    plan.budgets = amounts == "budgets"
    plan.unit = MixPlan.Unit(rawValue: try p.choice("unit", MixPlan.Unit.allCases.map(\.rawValue), default: "docs"))!
    if let total = try p.string("total") {
        guard let x = MixPlan.amount(total) else { throw p.location.error(key: "total", "'\(total)' is not an amount") }
        plan.total = x
    }
    plan.seed = UInt64(try p.int("seed", default: 0, range: 0...Int.max))
    plan.maxRepeat = try p.double("max_repeat", default: plan.maxRepeat, range: 0...1e9)
    plan.by = try p.string("by", default: plan.by)
    plan.tokenizer = try p.string("tokenizer")
    do {
        return try MixCorpusStage(plan: plan, manifest: context.outputPath(try p.string("manifest", default: "mixture.json")))
    } catch let error as SieveError {
        throw p.location.error(key: "sources", "\(error)")
    }
}
