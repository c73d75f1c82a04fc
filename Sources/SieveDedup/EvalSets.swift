import SieveCore
import SieveIO

/// The evaluation sets that `decontaminate` protects, as the user names them: each item of `eval`
/// is `NAME=PATTERN` (every file the pattern matches forms the set NAME) or a bare `PATTERN`
/// (each matching file is a set named by its file name without extensions: `evals/piqa.jsonl.gz`
/// is `piqa`). Patterns are paths, globs, directories or `@list` files (`InputPaths`).
public struct EvalSet: Sendable, Hashable {
    public var name: String
    public var files: [String]

    public init(name: String, files: [String]) {
        self.name = name
        self.files = files
    }

    /// Resolves `items` into sets, in the order given (files sorted within a pattern).
    public static func resolve(_ items: [String]) throws -> [EvalSet] {
        var sets: [EvalSet] = []
        for item in items {
            if let eq = item.firstIndex(of: "="), isName(item[..<eq]) {
                sets.append(EvalSet(name: String(item[..<eq]), files: try InputPaths.expand([String(item[item.index(after: eq)...])])))
            } else {
                for file in try InputPaths.expand([item]) { sets.append(EvalSet(name: baseName(file), files: [file])) }
            }
        }
        var seen = Set<String>()
        for set in sets where !seen.insert(set.name).inserted {
            throw SieveError.usage("two evaluation sets are named '\(set.name)'; name them with NAME=PATTERN")
        }
        return sets
    }

    private static func isName(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// `dir/mmlu_test.jsonl.gz` → `mmlu_test`.
    static func baseName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = file.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? file
        return stem.isEmpty ? file : stem
    }
}

/// How examples are read from evaluation files. A file whose name (before a `.gz`, `.zst`,
/// `.bz2`, `.xz` or `.lz4` suffix; contents are decompressed by their magic bytes) ends in
/// `.jsonl`, `.ndjson` or `.json` holds one JSON object per line, and each of `textFields` that
/// is a string (or a list of strings) is one example. Any other file is UTF-8 text with one
/// example per line or per paragraph (lines up to a blank line).
public struct EvalReader: Sendable, Hashable {
    public enum Unit: String, Sendable, CaseIterable { case line, paragraph }

    public var textFields: [String]
    public var unit: Unit

    public init(textFields: [String] = ["text"], unit: Unit = .paragraph) {
        self.textFields = textFields
        self.unit = unit
    }

    static func isJSONL(_ path: String) -> Bool {
        var name = Substring(path.split(separator: "/").last ?? "")
        for suffix in [".gz", ".zst", ".bz2", ".xz", ".lz4"] where name.hasSuffix(suffix) { name = name.dropLast(suffix.count) }
        return name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json")
    }

    /// Calls `body` with each example of `path`. A malformed JSON line is skipped, counted
    /// (`skipped_eval_malformed_json`) and named with its line in a warning; a line without any
    /// of the text fields is counted as `eval_lines_without_text`.
    public func forEachExample(_ path: String, stats: inout StageStats, _ body: (String) throws -> Void) throws {
        var lines = LineReader(try Compression.open(path))
        if Self.isJSONL(path) {
            while let line = try lines.next() {
                guard case .line(let bytes) = line else {
                    warn(path, lines, "line longer than \(lines.maxLineBytes) bytes", reason: "eval_line_too_long", &stats)
                    continue
                }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                guard let object = (try? JSONParser.parse(bytes))?.objectValue else {
                    warn(path, lines, "not a JSON object", reason: "eval_malformed_json", &stats)
                    continue
                }
                var found = false
                for field in textFields {
                    switch object[field] {
                    case .string(let text)?:
                        found = true
                        try body(text)
                    case .array(let items)?:
                        for case .string(let text) in items {
                            found = true
                            try body(text)
                        }
                    default: break
                    }
                }
                if !found { stats.add("eval_lines_without_text") }
            }
            return
        }
        var paragraph = ""
        while let line = try lines.next() {
            guard case .line(let bytes) = line else {
                warn(path, lines, "line longer than \(lines.maxLineBytes) bytes", reason: "eval_line_too_long", &stats)
                continue
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let blank = text.allSatisfy(\.isWhitespace)
            switch unit {
            case .line:
                if !blank { try body(text) }
            case .paragraph:
                if blank {
                    if !paragraph.isEmpty { try body(paragraph) }
                    paragraph = ""
                } else {
                    paragraph += paragraph.isEmpty ? text : "\n" + text
                }
            }
        }
        if !paragraph.isEmpty { try body(paragraph) }
    }

    private func warn(_ path: String, _ lines: borrowing LineReader, _ message: String, reason: String, _ stats: inout StageStats) {
        stats.skip(reason: reason)
        if stats["skipped"] <= 20 {
            Log.warning("\(path): line \(lines.lineNumber) (offset \(lines.lineOffset)): \(message) (skipped)")
        }
    }
}
