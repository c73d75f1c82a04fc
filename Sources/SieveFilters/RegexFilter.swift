import SieveCore

/// Drops a document if a regular expression matches anywhere in its text, as datatrove 0.10's
/// `RegexFilter` (`re.search`). The expression is Swift's `Regex` syntax (Perl/ICU-like, as
/// Python's `re` for common patterns), matched by code points like Python, not by characters.
/// datatrove gives no drop reason; Sieve counts `regex`.
public struct RegexFilter: DocumentFilter {
    public let pattern: String
    let regex: Regex<AnyRegexOutput>

    public init(pattern: String) throws {
        self.pattern = pattern
        regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
    }

    public func verdict(for doc: Document) -> Verdict {
        (try? regex.firstMatch(in: doc.text)) != nil ? .drop(reason: "regex") : .keep
    }
}
