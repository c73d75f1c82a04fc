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
