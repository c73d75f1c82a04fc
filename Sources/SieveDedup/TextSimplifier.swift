import SieveText

/// The text MinHash and exact dedup compare (DESIGN §7): lowercase, punctuation and symbols
/// removed, every run of digits folded to `0`, accents stripped (ICU NFD, then nonspacing marks
/// dropped), whitespace collapsed to single spaces. As datatrove's `simplify_text`
/// (`datatrove/utils/text.py`, TextNormConfig with lowercase, remove_punctuation, norm_numbers,
/// norm_unicode_diacritics, norm_whitespace), so `Don't: 1,024 cafés!` becomes `dont 0 cafes`.
/// With `foldDigits: false` numbers stay as written (`dont 1024 cafes`): decontamination must not
/// take one table of numbers for another.
public struct TextSimplifier {
    /// What one character becomes.
    enum Mapping {
        case removed, space, digit
        case text([UInt8])
    }

    /// Mappings of the non-ASCII characters met so far (ICU is asked once per character: NFD
    /// decomposes each scalar on its own, and the marks it splits off are dropped anyway).
    private var cache: [UInt32: Mapping] = [:]

    public let foldDigits: Bool

    public init(foldDigits: Bool = true) { self.foldDigits = foldDigits }

    /// The simplified text as UTF-8 bytes: words separated by one space, none at either end.
    public static func simplify(_ text: String) -> [UInt8] {
        var simplifier = TextSimplifier()
        var out: [UInt8] = []
        simplifier.simplify(text, into: &out)
        return out
    }

    /// Replaces `out` with the simplified text.
    public mutating func simplify(_ text: String, into out: inout [UInt8]) {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        forEachWord(text) { word in
            if !result.isEmpty { result.append(0x20) }
            result.append(contentsOf: word)
        }
        out = result
    }

    /// Bytes that may be read (not written) after the end of a word `forEachWord` passes: its
    /// words start at the beginning of an initialised scratch buffer with room for this much more,
    /// so a hash can load 8 or 16 bytes at once and mask.
    public static let readableAfterWord = 16

    /// Calls `body` with each word of the simplified text, in order (the bytes are valid during
    /// the call only; `readableAfterWord` more bytes may be read). One pass over the text:
    /// MinHash hashes words as they end.
    @inline(__always)
    public mutating func forEachWord(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        let classes = Self.asciiClass
        text.withUTF8 { utf8 in
            let n = utf8.count
            // A word never exceeds 4 bytes per input byte (see `mapping`).
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4 * n + Self.readableAfterWord) { buffer in
                buffer.initialize(repeating: 0)
                let input = UnsafeRawPointer(utf8.baseAddress!)
                let output = UnsafeMutableRawPointer(buffer.baseAddress!)
                var j = 0
                var inDigits = false
                var i = 0
                while i < n {
                    // ASCII letters eight at a time: the run of letters at i is lowercased and
                    // copied at once (bytes after it are written too, and overwritten later).
                    if i + 8 <= n {
                        let x = input.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian
                        let letters = Self.asciiLetters(x)
                        let k = (~letters & Self.highs).trailingZeroBitCount >> 3
                        if k > 0 {
                            output.storeBytes(of: (x | 0x2020_2020_2020_2020).littleEndian, toByteOffset: j, as: UInt64.self)
                            j += k
                            i += k
                            inDigits = false
                            if k == 8 || i == n { continue }
                        }
                    }
                    let b = utf8[i]
                    let mapping: Mapping
                    if b < 0x80 {
                        i += 1
                        let c = classes[Int(b)]
                        if c >= 0x61 {
                            inDigits = false
                            buffer[j] = c
                            j += 1
                            continue
                        }
                        switch c {
                        case 1: mapping = .space
                        case 3 where foldDigits: mapping = .digit
                        case 3:
                            buffer[j] = b
                            j += 1
                            continue
                        default: continue
                        }
                    } else {
                        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                        var scalar = UInt32(b) & (0xFF >> (length + 1))
                        for k in 1..<length where i + k < n { scalar = scalar << 6 | UInt32(utf8[i + k] & 0x3F) }
                        i += length
                        mapping = self.mapping(scalar)
                        if case .digit = mapping, !foldDigits {
                            for k in (i - length)..<min(i, n) { buffer[j] = utf8[k]; j += 1 }
                            continue
                        }
                    }
                    switch mapping {
                    case .removed: break
                    case .space:
                        if j > 0 { body(UnsafeBufferPointer(rebasing: buffer[0..<j])) }
                        j = 0
                        inDigits = false
                    case .digit:
                        if !inDigits {
                            buffer[j] = 0x30
                            j += 1
                            inDigits = true
                        }
                    case .text(let bytes):
                        inDigits = false
                        for c in bytes { buffer[j] = c; j += 1 }
                    }
                }
                if j > 0 { body(UnsafeBufferPointer(rebasing: buffer[0..<j])) }
            }
        }
    }

    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `x` that is an ASCII letter (SWAR: no carry crosses a byte,
    /// as each sum stays below 0x100).
    @inline(__always) static func asciiLetters(_ x: UInt64) -> UInt64 {
        let low7 = (x | 0x2020_2020_2020_2020) & 0x7F7F_7F7F_7F7F_7F7F
        let atLeastA = low7 &+ 0x1F1F_1F1F_1F1F_1F1F      // ≥ 0x61 ('a')
        let aboveZ = low7 &+ 0x0505_0505_0505_0505        // ≥ 0x7B (after 'z')
        return atLeastA & ~aboveZ & ~x & highs
    }

    /// What one ASCII byte becomes: a letter its lowercase form, else 1 space, 2 removed
    /// punctuation, 3 digit.
    static let asciiClass: [UInt8] = (0..<128).map { b -> UInt8 in
        switch UInt8(b) {
        case 0x30...0x39: 3
        case 0x41...0x5A, 0x61...0x7A: UInt8(b) | 0x20
        case 0x00...0x20, 0x7F: 1
        default: 2
        }
    }

    private mutating func mapping(_ value: UInt32) -> Mapping {
        if let known = cache[value] { return known }
        var result = Mapping.removed
        guard let scalar = Unicode.Scalar(value) else { return result }
        var bytes: [UInt8] = []
        for part in ICU.normalize(String(scalar), form: .nfd).unicodeScalars {
            let properties = part.properties
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format,
                 .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation,
                 .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                continue
            case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control:
                result = .space
            case .decimalNumber:
                result = .digit
            default:
                let lower = properties.changesWhenLowercased ? properties.lowercaseMapping : String(part)
                bytes += Array(lower.utf8)
            }
        }
        // At most 4 bytes per byte of the input character (a bound `simplify` relies on;
        // no Unicode lowercase mapping comes near it).
        if !bytes.isEmpty { result = .text(Array(bytes.prefix(4 * String(scalar).utf8.count))) }
        cache[value] = result
        return result
    }
}
