#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
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
    StepDefinition(
        name: "language", summary: "language identification: metadata.language, language_score; keeps languages by score",
        keys: ["keep", "min_score", "model", "max_chars"]
    ) { params, _ in
        let keep = Set(try params.strings("keep") ?? [])
        let minScore = try params.double("min_score", default: 0, range: 0...1)
        var model = try LanguageModels.load(try params.string("model", default: LanguageModels.defaultPath))
        model.maxCharacters = try params.int("max_chars", default: model.maxCharacters, range: 1...Int.max)
        let unknown = keep.subtracting(model.languages)
        guard unknown.isEmpty else {
            throw params.location.error(key: "keep", "unknown language(s) \(unknown.sorted().joined(separator: ", ")) (the model knows \(model.languages.joined(separator: ", ")))")
        }
        return LanguageFilter(model: model, keep: keep, minScore: minScore)
    },
]

/// Language models on disk.
enum LanguageModels {
    static let defaultPath = "models/langid.tsv.gz"

    /// Loads `path` (any compression); a relative path not found here is looked for beside the
    /// executable and up to four folders above it (so `.build/release/sieve` finds the repository's `models/`).
    static func load(_ path: String) throws -> LanguageModel {
        try LoadedResources.shared(resolve(path)) { try LanguageModel(tsv: try Compression.open(resolve(path)).readAll()) }
    }

    static func resolve(_ path: String) -> String {
        if path.hasPrefix("/") || FileSystem.exists(path) { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return path }
        var dir = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for _ in 0..<5 {
            guard let slash = dir.lastIndex(of: "/") else { break }
            dir = String(dir[..<slash])
            if FileSystem.exists(dir + "/" + path) { return dir + "/" + path }
        }
        return path
    }
}
