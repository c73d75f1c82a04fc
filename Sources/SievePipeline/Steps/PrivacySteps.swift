import SieveCore
import SieveDedup
import SieveFilters

/// Steps that protect people in the data (personal information) and the evaluations made with
/// it (decontamination).
let privacySteps: [StepDefinition] = [
    StepDefinition(
        name: "pii", summary: "replace e-mail addresses, public IPs and phone numbers with placeholders, or drop documents",
        keys: ["mode", "kinds", "max_count"]
    ) { params, _ in
        let kinds = try params.strings("kinds") ?? PIIScanner.Kind.allCases.map(\.rawValue)
        var set = Set<PIIScanner.Kind>()
        for name in kinds {
            guard let kind = PIIScanner.Kind(rawValue: name) else {
                throw (params.value("kinds")?.location ?? params.location).error(key: "kinds", "'\(name)' is not one of email, ip, phone")
            }
            set.insert(kind)
        }
        return PIIRedactor(
            scanner: PIIScanner(kinds: set),
            mode: PIIRedactor.Mode(rawValue: try params.choice("mode", PIIRedactor.Mode.allCases.map(\.rawValue), default: "redact"))!,
            maxCount: try params.int("max_count", default: 1, range: 1...Int.max))
    },
    StepDefinition(
        name: "decontaminate", summary: "drop or mark documents sharing word 13-grams with evaluation sets (JSONL or text)",
        keys: ["eval", "text_field", "examples", "ngram", "min_matches", "mode", "field", "memory"],
        corpus: { params, _ in DecontaminationCorpusStage(config: try decontaminationConfig(&params)) }
    ) { params, _ in
        // Checking a pipeline file builds this form too: the index is built when documents arrive.
        try DecontaminationFilter(config: try decontaminationConfig(&params))
    },
]

private func decontaminationConfig(_ params: inout StepParams) throws -> DecontaminationConfig {
    guard let items = try params.strings("eval"), !items.isEmpty else {
        throw params.location.error(key: "eval", "step 'decontaminate' needs 'eval': evaluation files or NAME=PATTERN")
    }
    let sets: [EvalSet]
    do { sets = try EvalSet.resolve(items) } catch {
        throw (params.value("eval")?.location ?? params.location).error(key: "eval", "\(error)")
    }
    let unit = try params.choice("examples", EvalReader.Unit.allCases.map(\.rawValue), default: "paragraph")
    let mode = try params.choice("mode", DecontaminationConfig.Mode.allCases.map(\.rawValue), default: "drop")
    return DecontaminationConfig(
        sets: sets,
        reader: EvalReader(textFields: try params.strings("text_field") ?? ["text"], unit: EvalReader.Unit(rawValue: unit)!),
        ngram: try params.int("ngram", default: 13, range: 1...64),
        minMatches: try params.int("min_matches", default: 1, range: 1...Int.max),
        mode: DecontaminationConfig.Mode(rawValue: mode)!,
        field: try params.string("field", default: "contamination"),
        memoryBudget: try params.bytes("memory", default: 1 << 30))
}
