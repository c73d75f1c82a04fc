import SieveCore
import SieveText

/// Steps of SieveText: extraction, normalization, language identification.
let textSteps: [StepDefinition] = [
    StepDefinition(
        name: "extract", summary: "HTML to main text (libxml2), boilerplate removed; title in metadata.title",
        keys: ["favor", "links", "tables", "max_html_bytes", "max_depth"]
    ) { params, _ in
        var options = Extractor.Options()
        options.focus = Extractor.Options.Focus(rawValue: try params.choice(
            "favor", Extractor.Options.Focus.allCases.map(\.rawValue), default: "balanced"))!
        options.links = try params.bool("links", default: true)
        options.tables = try params.bool("tables", default: true)
        options.maxHTMLBytes = Int(try params.bytes("max_html_bytes", default: Int64(options.maxHTMLBytes)))
        options.maxDepth = try params.int("max_depth", default: options.maxDepth, range: 16...100_000)
        return ExtractStage(options: options)
    },
    StepDefinition(
        name: "normalize", summary: "Unicode clean-up (ICU): NFC/NFKC, controls, invisible formatting, whitespace, mojibake",
        keys: ["form", "mojibake", "controls", "invisible", "whitespace"]
    ) { params, _ in
        var options = TextNormalizer.Options()
        let form = try params.choice("form", ICU.NormalizationForm.allCases.map(\.rawValue) + ["none"], default: "nfc")
        options.form = ICU.NormalizationForm(rawValue: form)
        options.repairMojibake = try params.bool("mojibake", default: true)
        options.removeControls = try params.bool("controls", default: true)
        options.removeInvisible = try params.bool("invisible", default: true)
        options.collapseWhitespace = try params.bool("whitespace", default: true)
        return NormalizeStage(options: options)
    },
]
