import SieveCore
import SieveText

/// The registered domain of a host under the Public Suffix List (https://publicsuffix.org),
/// computed as tldextract 5 does for datatrove's `URLFilter`: ICANN section only (tldextract's
/// default excludes private domains), wildcard (`*.ck`) and exception (`!www.ck`) rules, labels
/// matched lowercased, the host's own case kept in the result. Punycode labels (`xn--…`) are
/// matched as written (tldextract decodes them first; the list spells most IDN suffixes in
/// Unicode, so such hosts may get a shorter suffix here).
public struct PublicSuffixList: Sendable {
    private var children: [[String: Int32]] = [[:]]
    private var isEnd: [Bool] = [false]

    /// Parses the list's text (`public_suffix_list.dat`).
    public init(text: String) {
        for raw in text.split(separator: "\n") {
            if raw.contains("===BEGIN PRIVATE DOMAINS===") { break }
            let rule = PythonText.strip(Substring(raw.split(separator: " ", maxSplits: 1).first ?? ""))
            guard !rule.isEmpty, !rule.hasPrefix("//") else { continue }
            var node = 0
            for label in rule.split(separator: ".", omittingEmptySubsequences: false).reversed() {
                let key = String(label)
                if let next = children[node][key] {
                    node = Int(next)
                } else {
                    children[node][key] = Int32(children.count)
                    node = children.count
                    children.append([:])
                    isEnd.append(false)
                }
            }
            isEnd[node] = true
        }
    }

    /// The split of a host: what tldextract calls subdomain, domain and suffix.
    public struct Parts: Equatable, Sendable {
        public var subdomain: String
        public var domain: String
        public var suffix: String
        /// `domain.suffix`, or "" if either is missing.
        public var registeredDomain: String { domain.isEmpty || suffix.isEmpty ? "" : domain + "." + suffix }
        /// The whole host, or "" if there is no domain or suffix.
        public var fqdn: String {
            domain.isEmpty || suffix.isEmpty ? "" : [subdomain, domain, suffix].filter { !$0.isEmpty }.joined(separator: ".")
        }
    }

    /// tldextract's split of `url`'s host.
    public func parts(ofURL url: String) -> Parts {
        var host = Self.host(of: url)
        for dot in ["\u{3002}", "\u{FF0E}", "\u{FF61}"] where host.contains(dot) {
            host = host.split(separator: Character(dot), omittingEmptySubsequences: false).joined(separator: ".")
        }
        if host.utf8.count >= 4, host.hasPrefix("["), host.hasSuffix("]") {
            return Parts(subdomain: "", domain: host, suffix: "")
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard let s = suffixIndex(labels) else {
            if labels.count == 4, Self.isIPv4(labels) { return Parts(subdomain: "", domain: host, suffix: "") }
            return Parts(subdomain: labels.dropLast().joined(separator: "."), domain: String(labels.last ?? ""), suffix: "")
        }
        return Parts(subdomain: s >= 2 ? labels[..<(s - 1)].joined(separator: ".") : "",
                     domain: s > 0 ? String(labels[s - 1]) : "",
                     suffix: labels[s...].joined(separator: "."))
    }

    /// The index of the first label of the public suffix, if any (tldextract's `suffix_index`).
    private func suffixIndex(_ labels: [Substring]) -> Int? {
        var node = 0
        var labelIndex = labels.count
        var suffixIndex = labels.count
        for label in labels.reversed() {
            let key = label.lowercased()
            if let next = children[node][key] {
                labelIndex -= 1
                node = Int(next)
                if isEnd[node] { suffixIndex = labelIndex }
                continue
            }
            if children[node]["*"] != nil {
                return children[node]["!" + key] != nil ? labelIndex : labelIndex - 1
            }
            break
        }
        return suffixIndex == labels.count ? nil : suffixIndex
    }

    /// tldextract's `lenient_netloc`: the host of a URL-like string, case kept, without scheme,
    /// user info, port and trailing dots.
    public static func host(of url: String) -> String {
        var rest = Substring(url)
        if let slashes = rest.firstRange(of: "//") {
            let scheme = rest[..<slashes.lowerBound]
            if scheme.isEmpty {
                rest = rest[slashes.upperBound...]
            } else if scheme.count >= 2, scheme.last == ":",
                      scheme.dropLast().unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }) {
                rest = rest[slashes.upperBound...]
            }
        }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.first == "[", let close = rest.firstIndex(of: "]") { return String(rest[...close]) }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        rest = PythonText.strip(rest)
        while let last = rest.unicodeScalars.last, [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"].contains(last) {
            rest = Substring(rest.unicodeScalars.dropLast())
        }
        return String(rest)
    }

    private static func isIPv4(_ labels: [Substring]) -> Bool {
        labels.allSatisfy { label in
            guard let n = Int(label), (0...255).contains(n), label.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
            return label == "0" || !label.hasPrefix("0")
        }
    }
}
