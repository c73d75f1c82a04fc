#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// Finds personal data in text: e-mail addresses, public IPv4 and IPv6 addresses, and phone
/// numbers.
///
/// - E-mail: `local@domain.tld` with the characters RFC 5322's dot-atoms use in practice
///   (letters, digits, `._%+-` before the `@`; labels of letters, digits and `-` after it, a
///   top-level label of two or more letters), as datatrove's and dolma's PII regexes match.
/// - IPv4: four dotted decimals ≤ 255, kept only in public ranges (not 0/8, 10/8, 100.64/10,
///   127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15, 224/3), as datatrove's
///   `PIIFormatter` keeps only global addresses. IPv6: tokens that `inet_pton` accepts, global
///   unicast (2000::/3) only.
/// - Phone: North American numbers as dolma's tagger matches them (`(ddd) ddd-dddd`,
///   `ddd-ddd-dddd`, `ddd.ddd.dddd`, optional `+1`), tightened by the numbering plan (area code and
///   exchange start with 2–9, one separator style) and international numbers written with a
///   leading `+` and 8–15 digits in groups. A number that runs on into more digits (a list of
///   numbers, an ISBN) is not a phone number.
public struct PIIScanner: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case email, ip, phone }

    public struct Match: Sendable, Equatable {
        public var kind: Kind
        /// Byte range in the text's UTF-8.
        public var range: Range<Int>
    }

    public let kinds: Set<Kind>
    private let emails: Bool, ips: Bool, phones: Bool

    public init(kinds: Set<Kind> = Set(Kind.allCases)) {
        self.kinds = kinds
        (emails, ips, phones) = (kinds.contains(.email), kinds.contains(.ip), kinds.contains(.phone))
    }

    public func matches(in text: String) -> [Match] {
        var text = text
        return text.withUTF8 { matches(in: $0) }
    }

    func matches(in s: UnsafeBufferPointer<UInt8>) -> [Match] {
        var found: [Match] = []
        var i = 0
        while i < s.count {
            let b = s[i]
            if emails, b == UInt8(ascii: "@"), let r = email(s, at: i) {
                // An address found at its '@' may start before matches already recorded.
                found.removeAll { $0.range.overlaps(r) }
                found.append(Match(kind: .email, range: r))
                i = r.upperBound
                continue
            }
            if ips, isDigit(b), i == 0 || !(isAlnum(s[i - 1]) || s[i - 1] == UInt8(ascii: ".")),
               let r = ipv4(s, at: i) {
                found.append(Match(kind: .ip, range: r))
                i = r.upperBound
                continue
            }
            if ips, isHex(b) || b == UInt8(ascii: ":"), !continuesWord(s, before: i), let r = ipv6(s, at: i) {
                found.append(Match(kind: .ip, range: r))
                i = r.upperBound
                continue
            }
            if phones, isDigit(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "("),
               !continuesWord(s, before: i), let r = phone(s, at: i) {
                found.append(Match(kind: .phone, range: r))
                i = r.upperBound
                continue
            }
            i += 1
        }
        return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    // MARK: - E-mail

    private func email(_ s: UnsafeBufferPointer<UInt8>, at: Int) -> Range<Int>? {
        var start = at
        while start > 0, isLocalPart(s[start - 1]) { start -= 1 }
        while start < at, s[start] == UInt8(ascii: ".") { start += 1 }
        guard start < at else { return nil }
        var end = at + 1
        var labels = 0
        var lastLabelStart = end
        var lastLabelLettersOnly = true
        while true {
            let labelStart = end
            var lettersOnly = true
            while end < s.count, isAlnum(s[end]) || s[end] == UInt8(ascii: "-") {
                if !isLetter(s[end]) { lettersOnly = false }
                end += 1
            }
            guard end > labelStart else { break }
            labels += 1
            lastLabelStart = labelStart
            lastLabelLettersOnly = lettersOnly
            if end + 1 < s.count, s[end] == UInt8(ascii: "."), isAlnum(s[end + 1]) { end += 1 } else { break }
        }
        guard labels >= 2, lastLabelLettersOnly, end - lastLabelStart >= 2 else { return nil }
        return start..<end
    }

    // MARK: - IP addresses

    private func ipv4(_ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        var i = start
        var octets: [Int] = []
        for part in 0..<4 {
            var value = 0
            let digitsStart = i
            while i < s.count, isDigit(s[i]), i - digitsStart < 3 {
                value = value * 10 + Int(s[i] - 48)
                i += 1
            }
            guard i > digitsStart, value <= 255 else { return nil }
            octets.append(value)
            if part < 3 {
                guard i < s.count, s[i] == UInt8(ascii: ".") else { return nil }
                i += 1
            }
        }
        if i < s.count, isAlnum(s[i]) { return nil }
        if i + 1 < s.count, s[i] == UInt8(ascii: "."), isDigit(s[i + 1]) { return nil }
        return isPublic(octets) ? start..<i : nil
    }

    private func isPublic(_ o: [Int]) -> Bool {
        switch (o[0], o[1]) {
        case (0, _), (10, _), (127, _), (224...255, _): return false
        case (100, 64...127), (169, 254), (172, 16...31), (192, 168), (198, 18...19): return false
        case (192, 0) where o[2] == 0: return false
        default: return true
        }
    }

    private func ipv6(_ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        var end = start
        var colons = 0
        while end < s.count, end - start <= 39, isHex(s[end]) || s[end] == UInt8(ascii: ":") {
            if s[end] == UInt8(ascii: ":") { colons += 1 }
            end += 1
        }
        guard colons >= 2, end - start >= 3, end - start <= 39 else { return nil }
        if end < s.count, isAlnum(s[end]) || s[end] == UInt8(ascii: ".") { return nil }
        var address = in6_addr()
        let token = String(decoding: UnsafeBufferPointer(rebasing: s[start..<end]), as: UTF8.self)
        guard inet_pton(AF_INET6, token, &address) == 1 else { return nil }
        let first = withUnsafeBytes(of: &address) { $0[0] }
        return first & 0xE0 == 0x20 ? start..<end : nil
    }

    // MARK: - Phone numbers

    private func phone(_ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        if s[start] == UInt8(ascii: "+") {
            if let r = northAmerican(s, at: start) { return r }
            return international(s, at: start)
        }
        return northAmerican(s, at: start)
    }

    /// `+1 (ddd) ddd-dddd` and its spellings.
    private func northAmerican(_ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        var i = start
        if s[i] == UInt8(ascii: "+") {
            guard i + 1 < s.count, s[i + 1] == UInt8(ascii: "1") else { return nil }
            i += 2
            if i < s.count, isSeparator(s[i]) { i += 1 }
        }
        var parenthesised = false
        if i < s.count, s[i] == UInt8(ascii: "(") {
            parenthesised = true
            i += 1
        }
        guard let area = digits(s, &i, 3), area.first! >= 2 else { return nil }
        var separator: UInt8?
        if parenthesised {
            guard i < s.count, s[i] == UInt8(ascii: ")") else { return nil }
            i += 1
            if i < s.count, s[i] == UInt8(ascii: " ") || s[i] == UInt8(ascii: "-") { i += 1 }
        } else {
            guard i < s.count, isSeparator(s[i]) else { return nil }
            separator = s[i]
            i += 1
        }
        guard let exchange = digits(s, &i, 3), exchange.first! >= 2 else { return nil }
        guard i < s.count, isSeparator(s[i]), separator == nil || s[i] == separator else { return nil }
        i += 1
        guard digits(s, &i, 4) != nil else { return nil }
        return endsCleanly(s, i) ? start..<i : nil
    }

    /// `+CC dd dddd dddd`: a leading plus, then 8 to 15 digits in groups of 1 to 8.
    private func international(_ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Range<Int>? {
        var i = start + 1
        var count = 0
        var groups = 0
        while true {
            let groupStart = i
            while i < s.count, isDigit(s[i]), i - groupStart < 8 { i += 1 }
            guard i > groupStart else { return nil }
            count += i - groupStart
            groups += 1
            if i + 1 < s.count, isSeparator(s[i]), isDigit(s[i + 1]), count < 15 { i += 1 } else { break }
        }
        guard (8...15).contains(count), groups >= 2, endsCleanly(s, i) else { return nil }
        return start..<i
    }

    /// Exactly `n` digits, not followed by another digit.
    private func digits(_ s: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ n: Int) -> [UInt8]? {
        guard i + n <= s.count else { return nil }
        var values: [UInt8] = []
        for k in 0..<n {
            guard isDigit(s[i + k]) else { return nil }
            values.append(s[i + k] - 48)
        }
        if i + n < s.count, isDigit(s[i + n]) { return nil }
        i += n
        return values
    }

    /// Not followed by more of a number (`555-123-4567-89`, `… 1000 1001`) or a word.
    private func endsCleanly(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        if i < s.count, isAlnum(s[i]) { return false }
        if i + 1 < s.count, isSeparator(s[i]) || s[i] == UInt8(ascii: ","), isDigit(s[i + 1]) { return false }
        return true
    }

    private func continuesWord(_ s: UnsafeBufferPointer<UInt8>, before i: Int) -> Bool {
        guard i > 0 else { return false }
        let p = s[i - 1]
        return isAlnum(p) || p == UInt8(ascii: ".") || p == UInt8(ascii: ":") || p == UInt8(ascii: "-") || p == UInt8(ascii: "+")
            || p == UInt8(ascii: "/") || p == UInt8(ascii: "_") || p >= 0x80
    }

    private func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
    private func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 97 < 26 }
    private func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isLetter(b) }
    private func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 97 < 6 }
    private func isSeparator(_ b: UInt8) -> Bool { b == 0x20 || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") }
    private func isLocalPart(_ b: UInt8) -> Bool {
        isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "%")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
    }
}

/// The `pii` step: replaces personal data with placeholders (`<email>`, `<ip>`, `<phone>`), or
/// drops documents with at least `max_count` matches (`mode: drop`, reason `pii`). Counts
/// `pii_email`, `pii_ip`, `pii_phone` and `documents_with_pii` in the stats.
public struct PIIRedactor: IndependentStage {
    public enum Mode: String, Sendable, CaseIterable { case redact, drop, count }

    public var scanner: PIIScanner
    public var mode: Mode
    public var maxCount: Int

    public init(scanner: PIIScanner = PIIScanner(), mode: Mode = .redact, maxCount: Int = 1) {
        self.scanner = scanner
        self.mode = mode
        self.maxCount = maxCount
    }

    public mutating func process(_ batch: consuming [Document], into output: inout [Document], stats: inout StageStats) throws {
        for var doc in batch {
            let matches = scanner.matches(in: doc.text)
            if !matches.isEmpty {
                stats.add("documents_with_pii")
                for m in matches { stats.add("pii_" + m.kind.rawValue) }
            }
            switch mode {
            case .drop where matches.count >= maxCount:
                stats.drop(doc, reason: "pii")
                continue
            case .redact where !matches.isEmpty:
                doc.text = Self.redact(doc.text, matches)
            default:
                break
            }
            stats.count(doc)
            output.append(doc)
        }
    }

    static func redact(_ text: String, _ matches: [PIIScanner.Match]) -> String {
        var text = text
        return text.withUTF8 { s in
            var out: [UInt8] = []
            out.reserveCapacity(s.count)
            var last = 0
            for m in matches {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: s[last..<m.range.lowerBound]))
                out.append(contentsOf: "<\(m.kind.rawValue)>".utf8)
                last = m.range.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: s[last...]))
            return String(decoding: out, as: UTF8.self)
        }
    }
}
