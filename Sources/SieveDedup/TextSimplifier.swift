import SieveText

/// The text MinHash and exact dedup compare (DESIGN §7): lowercase, punctuation and symbols
/// removed, every run of digits folded to `0`, accents stripped (ICU NFD, then nonspacing marks
/// dropped), whitespace collapsed to single spaces. As datatrove's `simplify_text`
/// (`datatrove/utils/text.py`, TextNormConfig with lowercase, remove_punctuation, norm_numbers,
/// norm_unicode_diacritics, norm_whitespace), so `Don't: 1,024 cafés!` becomes `dont 0 cafes`.
public enum TextSimplifier {
    /// The simplified text as UTF-8 bytes: words separated by one space, none at either end.
    public static func simplify(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        simplify(text, into: &out)
        return out
    }

    /// Replaces `out` with the simplified text (a reused buffer on hot paths).
    public static func simplify(_ text: String, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var text = text
        let isASCII = text.withUTF8 { utf8 in utf8.allSatisfy { $0 < 0x80 } }
        if isASCII {
            text.withUTF8 { simplifyASCII($0, into: &out) }
        } else {
            simplifyUnicode(ICU.normalize(text, form: .nfd), into: &out)
        }
        if out.last == 0x20 { out.removeLast() }
    }

    /// What one ASCII byte is: 0 letter/kept, 1 space, 2 removed punctuation, 3 digit.
    static let asciiClass: [UInt8] = (0..<128).map { b -> UInt8 in
        switch UInt8(b) {
        case 0x30...0x39: 3
        case 0x41...0x5A, 0x61...0x7A: 0
        case 0x09...0x0D, 0x20: 1
        case 0x00..<0x20, 0x7F: 1
        default: 2
        }
    }

    static func simplifyASCII(_ utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var pendingSpace = false
        var inDigits = false
        asciiClass.withUnsafeBufferPointer { classes in
            for b in utf8 {
                switch classes[Int(b)] {
                case 0:
                    if pendingSpace, !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    inDigits = false
                    out.append(b | ((b &- 0x41) < 26 ? 0x20 : 0))
                case 1:
                    pendingSpace = true
                    inDigits = false
                case 3:
                    if !inDigits {
                        if pendingSpace, !out.isEmpty { out.append(0x20) }
                        pendingSpace = false
                        out.append(0x30)
                        inDigits = true
                    }
                default:
                    break
                }
            }
        }
    }

    static func simplifyUnicode(_ text: String, into out: inout [UInt8]) {
        var pendingSpace = false
        var inDigits = false
        func emit(_ scalar: Unicode.Scalar) {
            if pendingSpace, !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            UTF8.encode(scalar) { out.append($0) }
        }
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let b = UInt8(scalar.value)
                switch asciiClass[Int(b)] {
                case 0:
                    inDigits = false
                    emit(Unicode.Scalar(b | ((b &- 0x41) < 26 ? 0x20 : 0)))
                case 1:
                    pendingSpace = true
                    inDigits = false
                case 3:
                    if !inDigits { emit("0") }
                    inDigits = true
                default: break
                }
                continue
            }
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format:
                continue
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation,
                 .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                continue
            case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control:
                pendingSpace = true
                inDigits = false
            case .decimalNumber:
                if !inDigits { emit("0") }
                inDigits = true
            default:
                inDigits = false
                if properties.changesWhenLowercased {
                    for lower in properties.lowercaseMapping.unicodeScalars { emit(lower) }
                } else {
                    emit(scalar)
                }
            }
        }
    }
}
