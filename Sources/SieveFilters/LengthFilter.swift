import SieveCore
import SieveText

/// Keeps documents whose length is within bounds: `min_length`/`max_length` in code points
/// (Python's `len(text)`, the unit of datatrove's length statistics) and `min_words`/`max_words`
/// in words (`WordSplitter`). datatrove has no such filter (its `LambdaFilter` is used for it), so
/// the reasons are Sieve's: `too_short`, `too_long`, `too_few_words`, `too_many_words`. A bound
/// of 0 is off; bounds are inclusive.
public struct LengthFilter: DocumentFilter {
    public var minLength = 0
    public var maxLength = 0
    public var minWords = 0
    public var maxWords = 0
    let splitter: WordSplitter

    public init(minLength: Int = 0, maxLength: Int = 0, minWords: Int = 0, maxWords: Int = 0, language: String = "en") {
        self.minLength = minLength
        self.maxLength = maxLength
        self.minWords = minWords
        self.maxWords = maxWords
        splitter = WordSplitter(language: language)
    }

    public func verdict(for doc: Document) -> Verdict {
        if minLength > 0 || maxLength > 0 {
            let length = PythonText.length(doc.text)
            if minLength > 0, length < minLength { return .drop(reason: "too_short") }
            if maxLength > 0, length > maxLength { return .drop(reason: "too_long") }
        }
        if minWords > 0 || maxWords > 0 {
            let words = splitter.words(doc.text).count
            if minWords > 0, words < minWords { return .drop(reason: "too_few_words") }
            if maxWords > 0, words > maxWords { return .drop(reason: "too_many_words") }
        }
        return .keep
    }
}
