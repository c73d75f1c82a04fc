/// Python `str` semantics that the reference filters (datatrove 0.10, C4, Gopher) are written in:
/// their thresholds count code points, split on Python's whitespace and line boundaries, and
/// test `isalpha`, so Sieve's filters use these and not Swift's grapheme-based `Character`.
public enum PythonText {
    /// `str.isspace()`: Unicode White_Space plus the information separators U+001C–U+001F.
    @inline(__always)
    public static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `str.isalpha()` for one code point: general category L*.
    @inline(__always)
    public static func isAlpha(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return (c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7A }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\w` of Python's `re` on `str`: alphanumeric (`isalpha` or a numeric type) or `_`.
    /// Combining marks are not word characters there, and so not here.
    @inline(__always)
    public static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 {
            return isAlpha(c) || (c.value >= 0x30 && c.value <= 0x39) || c == "_"
        }
        return isAlpha(c) || c.properties.numericType != nil
    }

    /// `len(s)`: the number of code points (the bytes that are not UTF-8 continuation bytes).
    @inline(__always)
    public static func length<S: StringProtocol>(_ s: S) -> Int {
        s.utf8.withContiguousStorageIfAvailable(codePoints) ?? s.utf8.count { $0 & 0xC0 != 0x80 }
    }

    /// The code points of valid UTF-8, eight bytes at a time: a continuation byte (10xxxxxx) has
    /// bit 7 set and bit 6 clear.
    static func codePoints(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return 0 }
        let n = bytes.count
        var continuations = 0
        var i = 0
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            continuations += (w & ~(w << 1) & 0x8080_8080_8080_8080).nonzeroBitCount
            i += 8
        }
        while i < n {
            if bytes[i] & 0xC0 == 0x80 { continuations += 1 }
            i += 1
        }
        return n - continuations
    }

    /// How many times `byte` occurs in `s` (an ASCII byte: a newline, say).
    @inline(__always)
    public static func count<S: StringProtocol>(byte: UInt8, in s: S) -> Int {
        s.utf8.withContiguousStorageIfAvailable { $0.count { $0 == byte } } ?? s.utf8.count { $0 == byte }
    }

    /// `s.startswith(prefix)`, by code points (not by `Character`, which would fold a combining
    /// mark into the character before it).
    @inline(__always)
    public static func startsWith(_ s: Substring, _ prefix: String) -> Bool {
        s.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    /// `s.endswith(suffix)`, by code points.
    @inline(__always)
    public static func endsWith(_ s: Substring, _ suffix: String) -> Bool {
        s.utf8.count >= suffix.utf8.count && s.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// `s.strip()`.
    public static func strip(_ s: Substring) -> Substring {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return s[s.endIndex...] }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return Substring(scalars[first...last])
    }

    /// `s.split()`: runs of whitespace separate fields; no empty fields.
    public static func splitWhitespace(_ s: Substring) -> [Substring] {
        var fields: [Substring] = []
        let scalars = s.unicodeScalars
        var start: Substring.UnicodeScalarView.Index? = nil
        var i = scalars.startIndex
        while i < scalars.endIndex {
            if isSpace(scalars[i]) {
                if let st = start { fields.append(Substring(scalars[st..<i])); start = nil }
            } else if start == nil {
                start = i
            }
            scalars.formIndex(after: &i)
        }
        if let st = start { fields.append(Substring(scalars[st...])) }
        return fields
    }

    /// `s.splitlines()`: breaks at \n, \r, \r\n, \v, \f, U+001C–U+001E, U+0085, U+2028, U+2029;
    /// no trailing empty line.
    public static func splitLines(_ s: Substring) -> [Substring] {
        var lines: [Substring] = []
        let scalars = s.unicodeScalars
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            let c = scalars[i].value
            switch c {
            case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                lines.append(Substring(scalars[start..<i]))
                scalars.formIndex(after: &i)
                if c == 0x0D, i < scalars.endIndex, scalars[i] == "\n" { scalars.formIndex(after: &i) }
                start = i
            default:
                scalars.formIndex(after: &i)
            }
        }
        if start < scalars.endIndex { lines.append(Substring(scalars[start...])) }
        return lines
    }

    /// `re.split("\n{min,}", s)` (`min` 1 splits lines as Gopher's repetition rule does, 2 paragraphs):
    /// keeps empty fields at the ends, as `re.split` does.
    public static func split(_ s: Substring, newlineRunsOf minimum: Int) -> [Substring] {
        guard let cuts = s.utf8.withContiguousStorageIfAvailable({ newlineRuns($0, minimum) }) else {
            return split(Substring(String(s)), newlineRunsOf: minimum)
        }
        var parts: [Substring] = []
        parts.reserveCapacity(cuts.count + 1)
        var start = s.startIndex
        for cut in cuts {
            parts.append(s[start..<s.utf8.index(s.startIndex, offsetBy: cut.lowerBound)])
            start = s.utf8.index(s.startIndex, offsetBy: cut.upperBound)
        }
        parts.append(s[start...])
        return parts
    }

    /// The byte ranges of the runs of at least `minimum` newlines.
    private static func newlineRuns(_ bytes: UnsafeBufferPointer<UInt8>, _ minimum: Int) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x0A else { i += 1; continue }
            var j = i
            while j < bytes.count, bytes[j] == 0x0A { j += 1 }
            if j - i >= minimum { runs.append(i..<j) }
            i = j
        }
        return runs
    }

    /// `s.count(sub)` for an ASCII or any UTF-8 `needle`: non-overlapping occurrences.
    public static func count(_ needle: String, in s: String) -> Int {
        let n = Array(needle.utf8)
        guard let first = n.first else { return 0 }
        var total = 0
        var s = s
        s.withUTF8 { h in
            var i = 0
            let end = h.count - n.count
            while i <= end {
                if h[i] == first {
                    var k = 1
                    while k < n.count, h[i + k] == n[k] { k += 1 }
                    if k == n.count { total += 1; i += n.count; continue }
                }
                i += 1
            }
        }
        return total
    }
}

/// Splits text into words the way the filters count them: ICU word boundaries (UAX #29, with
/// ICU's dictionaries for Chinese, Japanese, Thai, Khmer, ...), segments of whitespace dropped.
///
/// datatrove 0.10 splits English with spaCy's rule-based tokenizer (`spacy.blank("en")`). These
/// adjustments bring ICU's segments close to it (docs/filters.md measures what remains):
/// - a run of periods is one token (`...`);
/// - a period stays on the word before it when spaCy keeps it there: its abbreviations
///   (`Mr.`, `e.g.`, `a.m.`, single letters) and a capital not preceded by a capital
///   (`U.S.A.`, `I.`), but not `IBM.`;
/// - a run of hyphens is one token (`--`), so are `2015/01/30`, `15:00`, `A-1`, `to‐day` (U+2010)
///   and `@user`; `cannot` is `can` `not`;
/// - underscores around a word (`_word_`) and a period between a lowercase and an uppercase
///   letter (`org.apache.Foo`) are split off;
/// - English clitics are separate tokens (`do` `n't`, `it` `'s`, `we` `'re`);
/// - a whitespace-delimited chunk starting with `http://`, `https://` or `www.` is one token
///   (trailing punctuation split off);
/// - inside a chunk, punctuation is joined to its neighbours except where spaCy splits
///   (`joinChunks`), in languages written with spaces.
/// Not thread-safe: it reuses buffers; every stage builds its own.
public final class WordSplitter {
    public let locale: String
    private var ends: [Int32] = []
    private var status: [Int32] = []
    private var ranges: [Range<Int>] = []

    /// `language`: a BCP 47 code (`en`, `zh`, `ja`, `th`); ICU picks its rules and dictionaries from it.
    public init(language: String = "en") {
        locale = language
    }

    /// The words of `text`, in order.
    public func words(_ text: String) -> [Substring] {
        var text = text
        text.withUTF8 { split($0) }
        let utf8 = text.utf8
        var words: [Substring] = []
        words.reserveCapacity(ranges.count)
        var last = utf8.startIndex
        var lastOffset = 0
        for r in ranges {
            let lower = utf8.index(last, offsetBy: r.lowerBound - lastOffset)
            let upper = utf8.index(lower, offsetBy: r.count)
            words.append(text[lower..<upper])
            last = upper
            lastOffset = r.upperBound
        }
        return words
    }

    private func split(_ bytes: UnsafeBufferPointer<UInt8>) {
        ranges.removeAll(keepingCapacity: true)
        let n = ICU.wordBreaks(bytes, locale: locale, ends: &ends, status: &status)
        var start = 0
        var k = 0
        while k < n {
            let end = Int(ends[k])
            if end <= start { k += 1; continue }  // inside a URL taken whole
            if start == 0 || bytes[start - 1] == 0x20 || bytes[start - 1] == 0x0A || bytes[start - 1] == 0x09,
               let urlEnd = Self.urlEnd(bytes, from: start) {
                ranges.append(start..<urlEnd)
                start = urlEnd
                continue
            }
            let letters = status[k] >= 200 && status[k] < 300
            let number = status[k] >= 100 && status[k] < 200
            k += 1
            defer { start = end }
            if Self.isSpace(bytes, start, end) { continue }
            if end - start == 1, bytes[start] == 0x2E, let previous = ranges.last, previous.upperBound == start,
               Self.keepsPeriod(bytes, previous) {
                ranges[ranges.count - 1] = previous.lowerBound..<end
                continue
            }
            if let previous = ranges.last, previous.upperBound == start,
               let tokens = Self.glue(bytes, ranges, start, end, number: number) {
                ranges.removeLast(tokens - 1)
                ranges[ranges.count - 1] = ranges[ranges.count - 1].lowerBound..<end
                continue
            }
            if letters, Self.splitsInside(bytes, start, end) {
                Self.appendPieces(bytes, start, end, to: &ranges)
                continue
            }
            if letters, let clitic = Self.cliticLength(bytes, start, end) {
                ranges.append(start..<(end - clitic))
                ranges.append((end - clitic)..<end)
                continue
            }
            ranges.append(start..<end)
        }
        if !Self.unspaced.contains(locale) { joinChunks(bytes) }
    }

    /// Languages written without spaces: their dictionary segments are kept apart.
    static let unspaced: Set<String> = ["zh", "ja", "th", "km", "lo", "my"]

    /// spaCy splits a whitespace-delimited chunk only at its prefixes (opening punctuation,
    /// quotes, currency, symbols), its suffixes (closing punctuation, quotes, `%`, a period) and a
    /// few infixes (a hyphen or `~` between letters; `:` `<` `>` `=` `/` between a letter or
    /// digit and a letter; `,` between letters; `+` `-` `*` `^` between digits; `...`). ICU
    /// splits at every punctuation mark, so inside a chunk its punctuation tokens are joined
    /// to their neighbours except at those places (`word[edit`, `C:\dir`, `x=1`, `AT&T`,
    /// `earth,—my`). Two word tokens that ICU separated stay apart.
    private func joinChunks(_ b: UnsafeBufferPointer<UInt8>) {
        var out: [Range<Int>] = []
        out.reserveCapacity(ranges.count)
        var i = 0
        while i < ranges.count {
            var j = i + 1
            while j < ranges.count, ranges[j].lowerBound == ranges[j - 1].upperBound { j += 1 }
            if j - i < 2 || !ranges[i..<j].contains(where: { Self.isMarks(b, $0) }) {
                out += ranges[i..<j]
            } else {
                joinChunk(b, ranges[i..<j], into: &out)
            }
            i = j
        }
        ranges = out
    }

    private func joinChunk(_ b: UnsafeBufferPointer<UInt8>, _ chunk: ArraySlice<Range<Int>>, into out: inout [Range<Int>]) {
        var first = chunk.startIndex
        var last = chunk.endIndex
        while first < last, Self.isAffix(b, chunk[first], prefix: true),
              !(b[chunk[first].lowerBound] == 0x2B && first + 1 < last && (0x30...0x39).contains(b[chunk[first + 1].lowerBound])) {
            out.append(chunk[first])
            first += 1
        }
        var suffixes: [Range<Int>] = []
        while last > first, Self.isAffix(b, chunk[last - 1], prefix: false) {
            last -= 1
            suffixes.append(chunk[last])
        }
        var k = first
        while k < last {
            var token = chunk[k]
            while k + 1 < last {
                let piece = chunk[k], next = chunk[k + 1]
                let pieceIsMark = Self.isMarks(b, piece), nextIsMark = Self.isMarks(b, next)
                if !pieceIsMark && !nextIsMark { break }
                if pieceIsMark, Self.isInfix(b, piece, before: k > first ? chunk[k - 1] : nil, after: next) { break }
                if nextIsMark, Self.isInfix(b, next, before: piece, after: k + 2 < last ? chunk[k + 2] : nil) { break }
                token = token.lowerBound..<next.upperBound
                k += 1
            }
            out.append(token)
            k += 1
        }
        out += suffixes.reversed()
    }

    /// The code points of token `r`.
    @inline(__always)
    private static func scalars(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String.UnicodeScalarView {
        String(decoding: b[r], as: UTF8.self).unicodeScalars
    }

    /// The code point that starts at `i` (or ends just before `i`, with `backward`).
    @inline(__always)
    private static func scalar(_ b: UnsafeBufferPointer<UInt8>, at i: Int, backward: Bool = false) -> Unicode.Scalar {
        var start = backward ? i - 1 : i
        if backward { while start > 0, b[start] & 0xC0 == 0x80 { start -= 1 } }
        if b[start] < 0x80 { return Unicode.Scalar(b[start]) }
        var iterator = UnsafeBufferPointer(rebasing: b[start...]).makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let c) = decoder.decode(&iterator) { return c }
        return "\u{FFFD}"
    }

    @inline(__always)
    private static func equals(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ s: StaticString) -> Bool {
        r.count == s.utf8CodeUnitCount && (0..<r.count).allSatisfy { b[r.lowerBound + $0] == s.utf8Start[$0] }
    }

    /// Whether a token is only punctuation or symbols (no letter or digit).
    private static func isMarks(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        if b[r].allSatisfy({ $0 < 0x80 }) { return b[r].allSatisfy { asciiMarks >> $0 & 1 == 1 } }
        return scalars(b, r).allSatisfy { c in
            switch c.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                 .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: true
            default: false
            }
        }
    }

    /// ASCII punctuation and symbols: `!` … `/`, `:` … `@`, `[` … `` ` ``, `{` … `~`.
    private static let asciiMarks: UInt128 = (0x21...0x7E).reduce(0) { mask, c in
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) ? mask : mask | 1 << UInt128(c)
    }

    /// spaCy's English prefixes and suffixes (`LIST_PUNCT`, `LIST_QUOTES`, ellipses, icons; `§ % = — – +`
    /// and currency before a word; `% — –` and a period after one).
    private static func isAffix(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, prefix: Bool) -> Bool {
        if r.count >= 2, b[r].allSatisfy({ $0 == 0x2E }) { return true }
        if r.count == 1 { return (prefix ? asciiPrefixes : asciiSuffixes) >> b[r.lowerBound] & 1 == 1 }
        guard b[r.lowerBound] >= 0x80 else { return false }
        let c = scalar(b, at: r.lowerBound)
        guard r.count == String(c).utf8.count || equals(b, r, "……") else { return false }
        if affixes.unicodeScalars.contains(c) || c.properties.generalCategory == .otherSymbol { return true }
        return prefix ? ("§—–".unicodeScalars.contains(c) || c.properties.generalCategory == .currencySymbol)
                      : "—–".unicodeScalars.contains(c)
    }

    /// `LIST_PUNCT` and `LIST_QUOTES` of spaCy 3.8's `char_classes`.
    private static let affixes = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪'\"”“`‘´’‚„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧"
    private static let asciiAffixes: UInt128 = affixes.utf8.reduce(0) { $1 < 0x80 ? $0 | 1 << UInt128($1) : $0 }
    private static let asciiPrefixes: UInt128 = "%=+$".utf8.reduce(asciiAffixes) { $0 | 1 << UInt128($1) }
    private static let asciiSuffixes: UInt128 = "%.".utf8.reduce(asciiAffixes) { $0 | 1 << UInt128($1) }

    /// Whether spaCy splits at mark token `r` between `before` and `after` (its English infixes).
    private static func isInfix(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, before: Range<Int>?, after: Range<Int>?) -> Bool {
        if equals(b, r, "…") || (r.count >= 2 && b[r].allSatisfy { $0 == 0x2E }) { return true }
        guard let before, let after, before.upperBound == r.lowerBound, after.lowerBound == r.upperBound else { return false }
        let left = scalar(b, at: before.upperBound, backward: true)
        let right = scalar(b, at: after.lowerBound)
        let leftLetter = left.properties.isAlphabetic, rightLetter = right.properties.isAlphabetic
        let leftDigit = ("0"..."9").contains(left), rightDigit = ("0"..."9").contains(right)
        if equals(b, r, "–") || equals(b, r, "—") || equals(b, r, "——") || b[r].allSatisfy({ $0 == 0x2D }) && r.count <= 3
            || equals(b, r, "~") {
            return (leftLetter || leftDigit) && rightLetter || (equals(b, r, "-") && leftDigit && (rightDigit || right == "-"))
        }
        guard r.count == 1 else { return false }
        switch b[r.lowerBound] {
        case 0x3A, 0x3C, 0x3E, 0x3D, 0x2F: return (leftLetter || leftDigit) && rightLetter  // : < > = /
        case 0x2C: return leftLetter && rightLetter  // ,
        case 0x2B, 0x2A, 0x5E: return leftDigit && (rightDigit || right == "-")  // + * ^
        case 0x2E: return left.properties.isLowercase && right.properties.isUppercase
        default: return false
        }
    }

    private static func isSpace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            let c = b[i]
            if c < 0x80 {
                guard c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) else { return false }
                i += 1
            } else {
                var it = UnsafeBufferPointer(rebasing: b[i..<end]).makeIterator()
                var decoder = UTF8()
                guard case .scalarValue(let s) = decoder.decode(&it), PythonText.isSpace(s) else { return false }
                i += String(s).utf8.count
            }
        }
        return true
    }

    /// Whether spaCy keeps a period on the token `previous` (already emitted, directly before it).
    private static func keepsPeriod(_ b: UnsafeBufferPointer<UInt8>, _ previous: Range<Int>) -> Bool {
        if b[previous].allSatisfy({ $0 == 0x2E }) { return true }
        let word = String(decoding: b[previous], as: UTF8.self)
        if abbreviations.contains(word) { return true }
        let scalars = Array(word.unicodeScalars.suffix(2))
        guard let last = scalars.last, last.properties.isUppercase else { return false }
        return scalars.count == 1 || !scalars[0].properties.isUppercase
    }

    /// How many tokens before segment `start..<end` (attached, no space) spaCy keeps it with, if
    /// any: a run of hyphens (`--`), a word after an `@` that starts a chunk (`@user`), a number
    /// after `digits/` or `digits:` (`2015/01/30`, `15:00`) or after `letters-` (`A-1`).
    private static func glue(_ b: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>], _ start: Int, _ end: Int,
                             number: Bool) -> Int? {
        let previous = ranges[ranges.count - 1]
        let last = b[previous.upperBound - 1]
        let afterLetter = last | 0x20 >= 0x61 && last | 0x20 <= 0x7A
        if end - start == 1, b[start] == 0x2D { return b[previous].allSatisfy { $0 == 0x2D } ? 1 : nil }
        if isUnbreakingHyphen(b, start, end) || (previous.count >= 3 && isUnbreakingHyphen(b, previous.upperBound - 3, previous.upperBound)) {
            return 1
        }
        if number, b[start] == 0x2D, afterLetter { return 1 }
        guard previous.count == 1 else { return nil }
        if last == 0x40 {
            return !number && (previous.lowerBound == 0 || b[previous.lowerBound - 1] <= 0x20) ? 1 : nil
        }
        guard number, last == 0x2F || last == 0x3A || last == 0x2D, ranges.count >= 2 else { return nil }
        let before = ranges[ranges.count - 2]
        guard before.upperBound == previous.lowerBound else { return nil }
        let digit = b[before.upperBound - 1]
        let ok = last == 0x2D ? digit | 0x20 >= 0x61 && digit | 0x20 <= 0x7A : (0x30...0x39).contains(digit)
        return ok ? 2 : nil
    }

    /// U+2010 HYPHEN or U+2011 NON-BREAKING HYPHEN, which spaCy's infix rules do not split at
    /// (`to‐day`), unlike `-`, `–` and `—`.
    private static func isUnbreakingHyphen(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start == 3 && b[start] == 0xE2 && b[start + 1] == 0x80 && (b[start + 2] == 0x90 || b[start + 2] == 0x91)
    }

    /// Whether spaCy splits a letter segment that ICU keeps whole: underscores at its ends
    /// (`_word_`), or a period between a lowercase and an uppercase letter (`org.apache.Foo`).
    private static func splitsInside(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        if b[start] == 0x5F || b[end - 1] == 0x5F { return true }
        var i = start + 1
        while i < end - 1 {
            if b[i] == 0x2E, (0x61...0x7A).contains(b[i - 1]), (0x41...0x5A).contains(b[i + 1]) { return true }
            i += 1
        }
        return false
    }

    /// The pieces of a segment that `splitsInside`: each end underscore alone, and the parts
    /// around each lowercase-period-uppercase period (the period alone).
    private static func appendPieces(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to ranges: inout [Range<Int>]) {
        var start = start
        var end = end
        var tail = 0
        while start < end, b[start] == 0x5F { ranges.append(start..<(start + 1)); start += 1 }
        while end > start, b[end - 1] == 0x5F { end -= 1; tail += 1 }
        var piece = start
        var i = start + 1
        while i < end - 1 {
            if b[i] == 0x2E, (0x61...0x7A).contains(b[i - 1]), (0x41...0x5A).contains(b[i + 1]) {
                ranges.append(piece..<i)
                ranges.append(i..<(i + 1))
                piece = i + 1
            }
            i += 1
        }
        if piece < end { ranges.append(piece..<end) }
        for k in 0..<tail { ranges.append((end + k)..<(end + k + 1)) }
    }

    /// spaCy 3.8's English tokenizer exceptions that end in a period, without it.
    private static let abbreviations: Set<String> = Set("""
        ._ Adm Ak Ala Apr Ariz Ark Aug Bros Calif Co Colo Conn Corp D.C Dec Del Dr E.G E.g Feb Fla Ga Gen Gov \
        I.E I.e Ia Id Ill Inc Ind Jan Jr Jul Jun Kan Kans Ky La Ltd Mar Mass Md Messrs Mich Minn Miss Mo Mont \
        Mr Mrs Ms Mt N.C N.D N.H N.J N.M N.Y Neb Nebr Nev Nov Oct Okla Ore Pa Ph.D Prof Rep Rev S.C Sen Sep \
        Sept St Tenn Va Wash Wis a a.m b c co d e e.g f g h i i.e j k l m n o p p.m q r s t u v v.s vs w x y z ä ö ü
        """.split(separator: " ").map(String.init))

    /// The byte length of an English clitic ending a letter segment, with ' or ’, where spaCy
    /// splits it off: `'s` after any word, the others after the words of its exceptions
    /// (`do` `n't`, `we` `'re`; not `warn't` or `John'll`).
    private static func cliticLength(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        // Every clitic has an apostrophe (' or the last byte of ’) among the last five bytes.
        guard (max(start, end - 5)..<end).contains(where: { b[$0] == 0x27 || b[$0] == 0x99 }) ||
              (end - start == 6 && b[end - 1] | 0x20 == 0x74) else { return nil }
        for (clitic, bases) in clitics where end - start > clitic.count {
            var matches = true
            for (k, c) in clitic.enumerated() where b[end - clitic.count + k] | (c >= 0x61 && c <= 0x7A ? 0x20 : 0) != c {
                matches = false
                break
            }
            guard matches else { continue }
            if bases.isEmpty { return clitic.count }
            let base = String(decoding: b[start..<(end - clitic.count)], as: UTF8.self).lowercased()
            return bases.contains(base) ? clitic.count : nil
        }
        return nil
    }

    /// spaCy 3.8's English clitic exceptions: the clitic (both apostrophes) and the words it
    /// splits from (empty: any word, by its suffix rule).
    private static let clitics: [([UInt8], Set<String>)] = {
        let table: [(String, String)] = [
            ("n't", "ai are ca could dare did do does had has have is may might must need ought sha should was were wo would"),
            ("'s", ""),
            ("not", "can"),
            ("'m", "i"),
            ("'d", "he how i it she that there these they this those we what when where who why you"),
            ("'ll", "he how i it she that there these they this those we what when where who why you"),
            ("'re", "how there these they those we what when where who why you"),
            ("'ve", "could how i might must not should there these they those we what when where who why would you"),
        ]
        return table.flatMap { clitic, bases in
            let set = Set(bases.split(separator: " ").map(String.init))
            let curly = clitic.unicodeScalars.map { $0 == "'" ? "\u{2019}" : String($0) }.joined()
            return [(Array(clitic.utf8), set), (Array(curly.utf8), set)]
        }
    }()

    /// The end of a URL starting at `start` (`http://`, `https://`, `www.`), trailing punctuation excluded.
    private static func urlEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        func hasPrefix(_ p: String) -> Bool {
            var k = start
            for c in p.utf8 {
                guard k < b.count, b[k] | (c >= 0x61 ? 0x20 : 0) == c else { return false }
                k += 1
            }
            return true
        }
        guard start < b.count, b[start] | 0x20 == 0x68 || b[start] | 0x20 == 0x77,  // h, w
              hasPrefix("http://") || hasPrefix("https://") || hasPrefix("www.") else { return nil }
        var end = start
        while end < b.count, b[end] > 0x20 { end += 1 }
        while end > start, [0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29, 0x5D, 0x22, 0x27].contains(b[end - 1]) { end -= 1 }
        return end - start > 4 ? end : nil
    }
}

/// Sentences and paragraphs as the reference filters count them.
public enum TextSplitting {
    /// The number of sentences spaCy's `Sentencizer` finds in `words` (what datatrove's
    /// `split_into_sentences` returns for English): a sentence ends after a token that is one
    /// of `Punctuation.sentenceEnds`, once a token follows that is not punctuation.
    public static func sentenceCount(_ words: [Substring]) -> Int {
        guard !words.isEmpty else { return 0 }
        var count = 1
        var seenPeriod = false
        for w in words {
            let scalars = w.unicodeScalars
            let isEnd = scalars.count == 1 && Punctuation.isSentenceEnd(scalars.first!)
            if seenPeriod, !isEnd, !isPunctuation(w) {
                count += 1
                seenPeriod = false
            } else if isEnd {
                seenPeriod = true
            }
        }
        return count
    }

    /// spaCy's `is_punct`: every code point is in a P* general category.
    public static func isPunctuation(_ w: Substring) -> Bool {
        w.unicodeScalars.allSatisfy {
            switch $0.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation: true
            default: false
            }
        }
    }
}
