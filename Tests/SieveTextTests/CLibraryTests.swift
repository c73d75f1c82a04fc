import Testing
@testable import SieveText

@Suite struct CLibraryTests {
    @Test func libxml2ParsesBrokenHTMLIntoATree() throws {
        let page = try #require(HTMLDocument(html: "<html><head><title>T é</title></head><body><p>One <b>two</b><p>three</body>"))
        let root = try #require(page.root)
        #expect(root.name == "html")
        let body = try #require(root.children.first { $0.name == "body" })
        #expect(body.children.filter { $0.name == "p" }.count == 2)
        #expect(body.textContent == "One twothree")
        #expect(HTMLDocument(html: "") == nil)
    }

    @Test func icuNormalizes() {
        #expect(ICU.normalize("ﬁ ① Ａ x²", form: .nfkc) == "fi 1 A x2")
        #expect(ICU.normalize("e\u{301}", form: .nfc) == "é")
        #expect(ICU.normalize("é", form: .nfd).unicodeScalars.count == 2)
        let long = String(repeating: "ﷺ", count: 1000)  // expands 18× under NFKC
        #expect(ICU.normalize(long, form: .nfkc).unicodeScalars.count == 18_000)
        #expect(ICU.version.hasPrefix("72"))
    }
}
