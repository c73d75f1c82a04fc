import SieveCore
import SieveText

/// FineWeb's URL rules, as datatrove 0.10's `URLFilter` (Penedo et al. 2024, §3.2). A document is
/// dropped, in this order, if
/// - the registered domain of `metadata.url` (public suffix + one label, tldextract's
///   `registered_domain`, case kept) is on the domain list: `domain`;
/// - its whole host (`fqdn`) is on it: `subdomain`;
/// - the URL is on the URL list: `url`;
/// - a banned word is one of the URL's words (split at runs of non-`[a-zA-Z0-9]`, case kept): `hard_blacklisted`;
/// - at least `soft_word_threshold` (2) soft-banned words are: `soft_blacklisted`;
/// - a banned sub-word occurs in the URL reduced to lowercase `[a-z0-9]` (Aho–Corasick): `blacklisted_subword`.
/// The integrated lists (`filters/url/`: UT1's adult domains and URLs, datatrove's word lists)
/// are used unless `use_integrated_lists` is false; `extra_*` lists add to them. Word-list
/// entries are reduced to lowercase `[a-z0-9]`; domains and URLs are compared as written.
/// A document without `metadata.url` is dropped as `missing_url` (datatrove fails on it).
public struct URLFilter: DocumentFilter {
    public struct Lists: Sendable {
        public var domains = HashedLineSet([String]())
        public var urls = HashedLineSet([String]())
        public var bannedWords: [String] = []
        public var bannedSubwords: [String] = []
        public var softBannedWords: [String] = []
        public init() {}
    }

    public var softWordThreshold = 2
    let domains: HashedLineSet
    let urls: HashedLineSet
    let bannedWords: Set<String>
    let softBannedWords: Set<String>
    let bannedSubwords: AhoCorasick
    let hasBannedSubwords: Bool
    let suffixes: PublicSuffixList

    public init(lists: Lists, suffixes: PublicSuffixList, softWordThreshold: Int = 2) {
        domains = lists.domains
        urls = lists.urls
        bannedWords = Set(lists.bannedWords.map(Self.normalize))
        softBannedWords = Set(lists.softBannedWords.map(Self.normalize))
        let subwords = Set(lists.bannedSubwords.map(Self.normalize))
        bannedSubwords = AhoCorasick(subwords)
        hasBannedSubwords = !subwords.isEmpty
        self.suffixes = suffixes
        self.softWordThreshold = softWordThreshold
    }

    public func verdict(for doc: Document) -> Verdict {
        guard case .string(let url)? = doc.metadata["url"], !url.isEmpty else { return .drop(reason: "missing_url") }
        let parts = suffixes.parts(ofURL: url)
        if domains.contains(Substring(parts.registeredDomain)) { return .drop(reason: "domain") }
        if domains.contains(Substring(parts.fqdn)) { return .drop(reason: "subdomain") }
        if urls.contains(Substring(url)) { return .drop(reason: "url") }

        let words = Set(url.utf8.split(whereSeparator: { !Self.isAlphanumeric($0) })
            .map { String(decoding: $0, as: UTF8.self) })
        if bannedWords.contains(where: words.contains) { return .drop(reason: "hard_blacklisted") }
        if softBannedWords.count(where: words.contains) >= softWordThreshold { return .drop(reason: "soft_blacklisted") }
        if hasBannedSubwords, bannedSubwords.contains(Self.normalize(url)) { return .drop(reason: "blacklisted_subword") }
        return .keep
    }

    @inline(__always)
    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
    }

    /// datatrove's `normalize`: every run of non-`[a-zA-Z0-9]` removed, then lowercased.
    static func normalize(_ s: String) -> String {
        String(decoding: s.utf8.filter(isAlphanumeric).map { $0 | 0x20 >= 0x61 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension URLFilter.Lists {
    /// The lists in `directory` (`filters/url/`): `domains.zst`, `urls.zst`, `banned_words.txt`,
    /// `banned_subwords.txt`, `soft_banned_words.txt`; lines starting with `#` are comments.
    /// The files of a lists directory (`filters/url`).
    public static let files = ["domains.zst", "urls.zst", "banned_words.txt", "banned_subwords.txt", "soft_banned_words.txt"]

    /// Fails, naming the file, unless every list of `directory` can be opened: the check of a
    /// pipeline file, without loading millions of domains.
    public static func checkReadable(directory: String) throws {
        for name in files { try FileSystem.checkReadable(directory + "/" + name) }
    }

    public init(directory: String) throws {
        func words(_ name: String) throws -> [String] {
            try FileSystem.readText(directory + "/" + name).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        }
        domains = try HashedLineSet(path: directory + "/domains.zst")
        urls = try HashedLineSet(path: directory + "/urls.zst")
        bannedWords = try words("banned_words.txt")
        bannedSubwords = try words("banned_subwords.txt")
        softBannedWords = try words("soft_banned_words.txt")
    }
}
