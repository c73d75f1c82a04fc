import SieveCore
import SieveIO
import SieveText
@testable import SieveFilters

/// The package root, found from this file's path (tests may run from any directory).
let packageRoot: String = {
    var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

/// Real documents with datatrove 0.10's verdict per filter in `metadata.expected`
/// (built by scripts/make-filter-fixtures).
let verdictDocuments: [Document] = {
    var reader = JSONLReader()
    return (try? reader.readAll(packageRoot + "/fixtures/filters/verdicts.jsonl").0) ?? []
}()

/// What datatrove decided for `doc` under `filter`: `.keep`, `.drop(reason:)`, or nil if not recorded.
func expected(_ doc: Document, _ filter: String) -> Verdict? {
    guard case .object(let all)? = doc.metadata["expected"], case .string(let v)? = all[filter] else { return nil }
    return v == "keep" ? .keep : .drop(reason: v)
}

/// Checks `filter` against datatrove on every fixture document that has a verdict for `name`;
/// returns how many were checked and the verdicts seen.
func checkAgainstDatatrove<F: DocumentFilter>(_ filter: F, name: String) -> (checked: Int, verdicts: Set<Verdict>, mismatches: [String]) {
    var checked = 0
    var verdicts = Set<Verdict>()
    var mismatches: [String] = []
    for doc in verdictDocuments {
        guard let want = expected(doc, name) else { continue }
        checked += 1
        verdicts.insert(want)
        let got = filter.verdict(for: doc)
        if got != want { mismatches.append("\(doc.id): expected \(want), got \(got)") }
    }
    return (checked, verdicts, mismatches)
}

/// Lines of real prose (the first chapter lines of a Project Gutenberg book in the fixtures).
let bookLines: [String] = {
    guard let text = try? FileSystem.readText(packageRoot + "/fixtures/filters/book-excerpt.txt") else { return [] }
    return PythonText.splitLines(Substring(text)).map(String.init).filter { $0.unicodeScalars.count > 40 }
}()

func document(_ text: String, url: String? = nil, language: String? = nil) -> Document {
    var metadata: JSONObject = [:]
    if let url { metadata["url"] = .string(url) }
    if let language { metadata["language"] = .string(language) }
    return Document(id: "test", text: text, metadata: metadata)
}
