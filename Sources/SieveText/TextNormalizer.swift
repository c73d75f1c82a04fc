import SieveCore

/// Unicode clean-up of extracted text, in this order (each step can be turned off):
/// 1. **Mojibake**: UTF-8 that was read as Windows-1252 (or Latin-1) and re-encoded, such as
///    `KÃ¤se` or `donâ€™t`, is repaired: a character whose Windows-1252 byte is a UTF-8 lead
///    byte (C2–F4), followed by the right number of characters whose bytes are continuation bytes
///    (80–BF), is replaced by the character those bytes spell (as ftfy's `fix_encoding` does for
///    this, its most common case). Text without such sequences is left alone.
/// 2. **Controls**: C0/C1 control characters (Unicode category Cc) other than tab and newline
///    are removed.
/// 3. **Invisible formatting** (category Cf: zero-width space, soft hyphen, byte-order mark,
///    bidirectional marks, …) is removed, except ZWJ and ZWNJ, which change how Indic, Arabic and
///    emoji text is written.
/// 4. **Normalization form** through ICU (UAX #15): NFC by default; NFKC folds compatibility
///    characters (ligatures, full-width forms, superscripts).
/// 5. **Whitespace**: runs of spaces, tabs and other spacing characters (category Zs) become one
///    space; lines are trimmed; a run of blank lines becomes one blank line, so paragraph breaks
///    stay; U+2028/U+2029 become line breaks.
public struct TextNormalizer: Sendable {
    public struct Options: Sendable {
        /// nil: no normalization form.
        public var form: ICU.NormalizationForm? = .nfc
        public var repairMojibake = true
        public var removeControls = true
        public var removeInvisible = true
        public var collapseWhitespace = true

        public init() {}
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    public func normalize(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        if options.repairMojibake { TextNormalizer.repairMojibake(&scalars) }
        if options.removeControls || options.removeInvisible {
            scalars.removeAll { s in
                switch s.properties.generalCategory {
                case .control: options.removeControls && s != "\n" && s != "\t"
                case .format: options.removeInvisible && s != "\u{200C}" && s != "\u{200D}"
                default: false
                }
            }
        }
        var result = String(String.UnicodeScalarView(scalars))
        if let form = options.form { result = ICU.normalize(result, form: form) }
        if options.collapseWhitespace { result = TextNormalizer.collapseWhitespace(result) }
        return result
    }

    /// Repairs UTF-8 sequences that were decoded as Windows-1252, in place.
    static func repairMojibake(_ s: inout [Unicode.Scalar]) {
        var out: [Unicode.Scalar] = []
        var k = 0
        var changed = false
        while k < s.count {
            if let lead = windows1252Byte(s[k]), lead >= 0xC2, lead <= 0xF4 {
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                if k + length <= s.count {
                    var bytes = [lead]
                    for j in 1..<length {
                        guard let b = windows1252Byte(s[k + j]), b >= 0x80, b <= 0xBF else { break }
                        bytes.append(b)
                    }
                    if bytes.count == length, let decoded = String(validating: bytes, as: UTF8.self),
                       let scalar = decoded.unicodeScalars.first {
                        out.append(scalar)
                        k += length
                        changed = true
                        continue
                    }
                }
            }
            out.append(s[k])
            k += 1
        }
        if changed { s = out }
    }

    /// The byte that Windows-1252 (or, for its five undefined bytes, Latin-1) decodes to `scalar`.
    static func windows1252Byte(_ scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v < 0x80 { return nil }
        if v <= 0xFF { return UInt8(v) }
        return windows1252High[v]
    }

    private static let windows1252High: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// One space for each run of spacing characters, trimmed lines, at most one blank line in a row.
    static func collapseWhitespace(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        var newlines = 0
        for s in text.unicodeScalars {
            if s == "\n" || s == "\r" || s == "\u{2028}" || s == "\u{2029}" || s == "\u{0B}" || s == "\u{0C}" || s == "\u{85}" {
                if s == "\r" { continue }
                newlines += s == "\u{2029}" ? 2 : 1
                space = false
            } else if s == " " || s == "\t" || s.properties.generalCategory == .spaceSeparator {
                space = true
            } else {
                if !out.isEmpty {
                    if newlines > 0 {
                        out.append("\n")
                        if newlines > 1 { out.append("\n") }
                    } else if space {
                        out.append(" ")
                    }
                }
                newlines = 0
                space = false
                out.append(s)
            }
        }
        return String(out)
    }
}

/// The `normalize` step: `TextNormalizer` over each document's text. A document left empty is
/// dropped (`dropped_empty`).
public struct NormalizeStage: IndependentStage {
    public let normalizer: TextNormalizer

    public init(options: TextNormalizer.Options = .init()) { normalizer = TextNormalizer(options: options) }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            doc.text = normalizer.normalize(doc.text)
            if doc.text.isEmpty {
                stats.drop(doc, reason: "empty")
            } else {
                stats.count(doc)
                output.append(doc)
            }
        }
    }
}
