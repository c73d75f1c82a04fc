/// Decodes a web page's bytes to UTF-8 the way browsers decide its encoding (WHATWG Encoding
/// and HTML §13.2.3.2 "determining the character encoding"): a byte order mark first, then the
/// charset of the HTTP `Content-Type`, then a `<meta charset>` (or `http-equiv`) in the first
/// 4 KiB, then valid UTF-8, then ICU's detector; windows-1252 when all of those say nothing.
/// Labels are mapped as WHATWG maps them (`iso-8859-1` and `us-ascii` mean windows-1252).
public enum CharsetDecoder {
    /// How the charset was chosen (recorded as `metadata.charset_source`).
    public enum Source: String, Sendable { case bom, http, meta, utf8, detected, fallback }

    public struct Decoded: Sendable {
        public var text: String
        /// The charset used, lowercase (`utf-8`, `windows-1252`, `shift_jis`, …).
        public var charset: String
        public var source: Source
    }

    /// How far into the page `<meta charset>` is looked for (the HTML spec says 1024 bytes;
    /// real pages often put it later, after long scripts).
    public static let metaScanBytes = 4096

    public static func decode(_ bytes: UnsafeRawBufferPointer, declared: String?, sniffMeta: Bool = true) -> Decoded {
        if let bom = byteOrderMark(bytes) {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[bom.length...])
            if bom.charset == "utf-8" { return Decoded(text: String(decoding: rest, as: UTF8.self), charset: "utf-8", source: .bom) }
            if let text = ICU.decode(rest, charset: bom.charset) { return Decoded(text: text, charset: bom.charset, source: .bom) }
        }
        if let declared, let decoded = decode(bytes, label: declared, source: .http) { return decoded }
        if sniffMeta, let label = metaCharset(bytes), let decoded = decode(bytes, label: label, source: .meta) { return decoded }
        if let text = String(validating: bytes, as: UTF8.self) { return Decoded(text: text, charset: "utf-8", source: .utf8) }
        if let guess = ICU.detectCharset(bytes), guess.confidence >= 10,
           let decoded = decode(bytes, label: guess.name, source: .detected) {
            return decoded
        }
        return decode(bytes, label: "windows-1252", source: .fallback)
            ?? Decoded(text: String(decoding: bytes, as: UTF8.self), charset: "utf-8", source: .fallback)
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, label: String, source: Source) -> Decoded? {
        let charset = whatwgName(label)
        if charset == "utf-8" { return Decoded(text: String(decoding: bytes, as: UTF8.self), charset: charset, source: source) }
        // A page that declares UTF-16 in a header or meta but has no BOM is ASCII-compatible
        // in practice (WHATWG: a meta UTF-16 means UTF-8).
        if charset.hasPrefix("utf-16") {
            return source == .meta ? Decoded(text: String(decoding: bytes, as: UTF8.self), charset: "utf-8", source: source) : nil
        }
        guard let text = ICU.decode(bytes, charset: charset) else { return nil }
        return Decoded(text: text, charset: charset, source: source)
    }

    /// A charset label as WHATWG's Encoding standard resolves it (the common aliases).
    public static func whatwgName(_ label: String) -> String {
        var l = label.lowercased()
        while let c = l.first, c == "\"" || c == "'" || c == " " { l.removeFirst() }
        while let c = l.last, c == "\"" || c == "'" || c == " " || c == ";" { l.removeLast() }
        switch l {
        case "utf8", "utf-8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8": return "utf-8"
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "us-ascii", "ascii", "ansi_x3.4-1968",
             "cp1252", "x-cp1252", "cp819", "ibm819", "iso-ir-100", "windows-1252": return "windows-1252"
        case "iso-8859-9", "iso8859-9", "latin5", "l5": return "windows-1254"
        case "tis-620", "iso-8859-11", "dos-874": return "windows-874"
        case "gb2312", "gb_2312-80", "chinese", "csgb2312", "x-gbk", "gbk", "iso-ir-58": return "gbk"
        case "euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "windows-949", "cseuckr": return "windows-949"
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "csshiftjis": return "shift_jis"
        case "unicode", "utf-16", "utf-16le", "ucs-2": return "utf-16le"
        default: return l
        }
    }

    private static func byteOrderMark(_ b: UnsafeRawBufferPointer) -> (charset: String, length: Int)? {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { return ("utf-8", 3) }
        if b.count >= 2, b[0] == 0xFE, b[1] == 0xFF { return ("utf-16be", 2) }
        if b.count >= 2, b[0] == 0xFF, b[1] == 0xFE { return ("utf-16le", 2) }
        return nil
    }

    /// The charset named by the first `<meta charset=…>` or `<meta … content="…; charset=…">`.
    public static func metaCharset(_ bytes: UnsafeRawBufferPointer) -> String? {
        let n = min(bytes.count, metaScanBytes)
        var i = 0
        while i + 5 < n {
            if bytes[i] == 0x3C, lower(bytes[i + 1]) == 0x6D, lower(bytes[i + 2]) == 0x65, lower(bytes[i + 3]) == 0x74,
               lower(bytes[i + 4]) == 0x61 {
                // Inside <meta …>: look for "charset" up to the closing '>'.
                var j = i + 5
                while j + 7 < n, bytes[j] != 0x3E {
                    if matches(bytes, at: j, "charset") {
                        var k = j + 7
                        while k < n, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
                        guard k < n, bytes[k] == 0x3D else { j += 1; continue }
                        k += 1
                        while k < n, bytes[k] == 0x20 || bytes[k] == 0x22 || bytes[k] == 0x27 { k += 1 }
                        let start = k
                        while k < n, isLabelByte(bytes[k]) { k += 1 }
                        if k > start { return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<k]), as: UTF8.self) }
                    }
                    j += 1
                }
                i = j
            }
            i += 1
        }
        return nil
    }

    @inline(__always) private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    private static func matches(_ bytes: UnsafeRawBufferPointer, at i: Int, _ word: StaticString) -> Bool {
        let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard i + w.count <= bytes.count else { return false }
        for k in 0..<w.count where lower(bytes[i + k]) != w[k] { return false }
        return true
    }

    private static func isLabelByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
    }
}
