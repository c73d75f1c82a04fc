import SieveCore
import SieveIO
import Testing
@testable import SieveFilters

@Suite struct URLFilterTests {
    let suffixes = PublicSuffixList(text: try! FileSystem.readText(packageRoot + "/filters/url/public_suffix_list.dat"))

    /// The integrated word lists and the real URL list; two domains standing in for the 4.5 M
    /// domain list (loaded whole by `sieve bench filters`, too slow for a debug test).
    func filter() throws -> URLFilter {
        let dir = packageRoot + "/filters/url"
        var lists = URLFilter.Lists()
        func words(_ name: String) throws -> [String] {
            try FileSystem.readText(dir + "/" + name).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
        }
        lists.domains = HashedLineSet(["example-adult.com", "sub.example-adult.org"])
        lists.urls = try HashedLineSet(path: dir + "/urls.zst")
        lists.bannedWords = try words("banned_words.txt")
        lists.bannedSubwords = try words("banned_subwords.txt")
        lists.softBannedWords = try words("soft_banned_words.txt")
        return URLFilter(lists: lists, suffixes: suffixes)
    }

    @Test func agreesWithDatatroveOnRealDocuments() throws {
        let (checked, _, mismatches) = checkAgainstDatatrove(try filter(), name: "url")
        #expect(checked >= 50)
        #expect(mismatches == [])
    }

    @Test func rulesInDatatrovesOrder() throws {
        let f = try filter()
        let text = bookLines.prefix(2).joined(separator: "\n")
        func verdict(_ url: String) -> Verdict { f.verdict(for: document(text, url: url)) }
        #expect(verdict("https://www.gutenberg.org/ebooks/11") == .keep)
        #expect(verdict("https://www.example-adult.com/page") == .drop(reason: "domain"))
        #expect(verdict("http://sub.example-adult.org/") == .drop(reason: "subdomain"))
        #expect(verdict("0149614511.strimbat.fr/porno-anal-escort-granville-faire-sa-salope-baise-une-vache-video-gratuite-x-escort-girl-auxerre")
                == .drop(reason: "url"))
        #expect(verdict("https://news.example.com/porn/today") == .drop(reason: "hard_blacklisted"))
        #expect(verdict("https://news.example.com/PORN/today") == .keep)  // words keep their case, as in datatrove
        #expect(verdict("https://example.com/brunette-babes") == .drop(reason: "soft_blacklisted"))
        #expect(verdict("https://example.com/brunette-hair") == .keep)  // one soft word only
        #expect(verdict("https://example.com/xxxvideos-today") == .drop(reason: "blacklisted_subword"))
        #expect(f.verdict(for: document(text)) == .drop(reason: "missing_url"))
    }

    @Test func registeredDomainsAsTldextract() {
        #expect(suffixes.parts(ofURL: "http://forums.news.cnn.com/a").registeredDomain == "cnn.com")
        #expect(suffixes.parts(ofURL: "http://forums.bbc.co.uk/path/to/file").fqdn == "forums.bbc.co.uk")
        #expect(suffixes.parts(ofURL: "https://user:pw@WWW.Example.COM:8080/x").registeredDomain == "Example.COM")
        #expect(suffixes.parts(ofURL: "http://localhost:8080").registeredDomain == "")
        #expect(suffixes.parts(ofURL: "http://127.0.0.1/x").fqdn == "")
        #expect(suffixes.parts(ofURL: "www.ck") == .init(subdomain: "", domain: "www", suffix: "ck"))  // exception rule
        #expect(suffixes.parts(ofURL: "a.b.ck").registeredDomain == "a.b.ck")  // wildcard rule *.ck
        #expect(PublicSuffixList.host(of: "16thfleet.wikidot.com/chatter:anewhome") == "16thfleet.wikidot.com")
    }
}
