import CICU

/// Unicode services from the system ICU, through the C bridge in `CICU` (which says why ICU
/// cannot be imported into Swift next to Foundation).
public enum ICU {
    public static var version: String { String(cString: sieve_icu_version()) }

    /// Unicode normalization forms (UAX #15).
    public enum NormalizationForm: String, Sendable, CaseIterable {
        case nfc, nfd, nfkc, nfkd

        var code: Int32 {
            switch self {
            case .nfc: Int32(SIEVE_NFC)
            case .nfd: Int32(SIEVE_NFD)
            case .nfkc: Int32(SIEVE_NFKC)
            case .nfkd: Int32(SIEVE_NFKD)
            }
        }
    }

    /// `text` in normalization form `form`. Returns `text` unchanged if ICU reports an error.
    public static func normalize(_ text: String, form: NormalizationForm) -> String {
        var text = text
        return text.withUTF8 { src -> String in
            var capacity = src.count + src.count / 2 + 16
            while true {
                var failed = false
                var needed = 0
                let result = String(unsafeUninitializedCapacity: capacity) { dst in
                    let n = sieve_icu_normalize(form.code, src.baseAddress, src.count, dst.baseAddress, dst.count)
                    if n < 0 { failed = true; return 0 }
                    needed = Int(n)
                    return needed <= dst.count ? needed : 0
                }
                if failed { return String(decoding: src, as: UTF8.self) }
                if needed <= capacity { return result }
                capacity = needed
            }
        }
    }
}

// MARK: - Charsets

extension ICU {
    /// `bytes` in `charset` converted to UTF-8 (malformed input becomes U+FFFD), or nil if ICU
    /// does not know the charset.
    public static func decode(_ bytes: UnsafeRawBufferPointer, charset: String) -> String? {
        guard let source = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else {
            return charsetName(charset) == nil ? nil : ""
        }
        var capacity = bytes.count * 2 + 16
        while true {
            var needed = -1
            let result = String(unsafeUninitializedCapacity: capacity) { dst in
                let n = sieve_icu_to_utf8(charset, source, bytes.count, dst.baseAddress, dst.count)
                needed = Int(n)
                return n >= 0 && Int(n) <= dst.count ? Int(n) : 0
            }
            if needed < 0 { return nil }
            if needed <= capacity { return result }
            capacity = needed
        }
    }

    /// ICU's canonical name for a charset label (`latin1` → `ISO-8859-1`), nil if unknown.
    public static func charsetName(_ label: String) -> String? {
        var name = [CChar](repeating: 0, count: 128)
        guard sieve_icu_charset_name(label, &name, name.count) == 0 else { return nil }
        return cString(name)
    }

    /// ICU's best guess at the charset of `bytes` and its confidence (0...100).
    public static func detectCharset(_ bytes: UnsafeRawBufferPointer) -> (name: String, confidence: Int)? {
        var name = [CChar](repeating: 0, count: 128)
        let confidence = sieve_icu_detect_charset(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, &name, name.count)
        guard confidence >= 0 else { return nil }
        return (cString(name), Int(confidence))
    }

    /// The text of a NUL-terminated buffer ICU filled.
    private static func cString(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

// MARK: - Word breaks

extension ICU {
    /// Word boundaries (UAX #29 with ICU's dictionaries for scripts written without spaces) of
    /// UTF-8 `text` under `locale`. Fills `ends` with the UTF-8 offset where each segment ends and
    /// `status` with ICU's rule status for it (below 100: spaces and punctuation; 100s numbers;
    /// 200s letters; 300s kana; 400s ideographs), growing them as needed (they are reused between
    /// calls), and returns the number of segments; 0 on an ICU error.
    public static func wordBreaks(_ text: UnsafeBufferPointer<UInt8>, locale: String,
                                  ends: inout [Int32], status: inout [Int32]) -> Int {
        if ends.count < 64 { ends = [Int32](repeating: 0, count: 64) }
        while true {
            let capacity = ends.count
            if status.count < capacity { status = [Int32](repeating: 0, count: capacity) }
            let n = ends.withUnsafeMutableBufferPointer { e in
                status.withUnsafeMutableBufferPointer { s in
                    sieve_icu_word_breaks(locale, text.baseAddress, text.count, e.baseAddress, s.baseAddress, capacity)
                }
            }
            if n < 0 { return 0 }
            if Int(n) <= capacity { return Int(n) }
            ends = [Int32](repeating: 0, count: Int(n))
        }
    }
}
