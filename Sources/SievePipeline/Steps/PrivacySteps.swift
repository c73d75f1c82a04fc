import SieveCore
import SieveFilters

/// Steps that protect people in the data: personal information.
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
]
