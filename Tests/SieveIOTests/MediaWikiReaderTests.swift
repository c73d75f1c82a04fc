import SieveCore
import SieveIO
import Testing

// Page, redirect and namespace counts: Python's ElementTree over the same files.

private func readWiki(_ stream: ByteStream, name: String, reader: MediaWikiReader = MediaWikiReader()) throws -> ([Document], StageStats) {
    var stats = StageStats(name: "read")
    var docs: [Document] = []
    try reader.read(stream, name: name, stats: &stats) { docs.append($0) }
    return (docs, stats)
}

@Test func tinyWikiPagesAndRedirect() throws {
    var reader = MediaWikiReader()
    let (docs, stats) = try reader.readAll(fixture("wiki/tinywiki-latest-pages-articles.xml"))
    #expect(docs.map { $0.metadata["title"]?.stringValue } == ["Hello", "Toronto", "Duplicate title", "Duplicate title", "Big Page", "Disambiguation page", "Bodmin"])
    #expect(stats["redirects"] == 1)
    #expect(docs[0].id == "tmp-wp:1" && docs[0].metadata["page_id"] == 1 && docs[0].metadata["revision_id"] == 29433)
    #expect(docs[1].metadata["url"] == "https://ltg.wikipedia.org/wiki/Toronto")
    #expect(docs[1].text.hasPrefix("Toronto (, ) is the most populous city in Canada"))
}

@Test func utf16DumpWithBOM() throws {
    var reader = MediaWikiReader()
    let (docs, stats) = try reader.readAll(fixture("wiki/bgwiki-latest-pages-articles-shortened.xml.bz2"))
    #expect(docs.count == 1 && stats["other_namespaces"] == 2)
    #expect(docs[0].metadata["title"] == "Григориански календар")
    #expect(docs[0].text.hasPrefix("Григорианският календар (понякога наричан и Грегориански календар, „нов стил“)"))
}

@Test func tablesAndTemplatesAreRemoved() throws {
    var reader = MediaWikiReader()
    let (docs, _) = try reader.readAll(fixture("wiki/enwiki-table-markup.xml.bz2"))
    #expect(docs.map { $0.metadata["title"]?.stringValue } == ["Constructive vote of no confidence", "List of Prison Break characters",
        "Academy Award for Best Production Design", "Economy of Estonia", "Brahui language"])
    for doc in docs {
        for markup in ["{{", "}}", "{|", "|-", "[[", "]]", "<ref", "style=", "&quot;", "'''"] {
            #expect(!doc.text.contains(markup), "\(doc.metadata["title"]!) holds \(markup)")
        }
    }
    #expect(docs[0].text.hasPrefix("The constructive vote of no confidence (in German: konstruktives Misstrauensvotum,"))
    // Headings stay as their own lines.
    #expect(docs[0].text.contains("\nGermany\n"))
}

@Test func keepWikitextOption() throws {
    var reader = MediaWikiReader(keepWikitext: true)
    let (docs, _) = try reader.readAll(fixture("wiki/enwiki-table-markup.xml.bz2"))
    #expect(docs[0].text.hasPrefix("The '''constructive vote of no confidence'''"))
}

@Test(arguments: ["tinywiki-latest-pages-articles.xml", "bgwiki-latest-pages-articles-shortened.xml.bz2", "enwiki-table-markup.xml.bz2"])
func wikiChunkSizeDoesNotMatter(file: String) throws {
    let bytes = try FileSystem.readFile(fixture("wiki/" + file))
    let (whole, wholeStats) = try readWiki(ChunkedStream(bytes, chunk: bytes.count), name: file)
    for chunk in [1, 7, 65536] {
        let (docs, stats) = try readWiki(ChunkedStream(bytes, chunk: chunk), name: file)
        #expect(docs == whole && stats == wholeStats, "\(file) in \(chunk)-byte chunks")
    }
}

@Test func truncatedXMLKeepsEarlierPages() throws {
    let bytes = try FileSystem.readFile(fixture("wiki/tinywiki-latest-pages-articles.xml"))
    // Cut inside the fourth page.
    let starts = bytes.indices.filter { bytes[$0...].starts(with: Array("<page>".utf8)) }
    let (docs, stats) = try readWiki(ChunkedStream(Array(bytes[0..<(starts[3] + 200)]), chunk: 4096), name: "cut")
    #expect(docs.count == 3)
    #expect(stats["skipped_malformed_xml"] == 1)
}

@Test func sharedWikiDumps() throws {
    guard let sharedData else { return }
    var reader = MediaWikiReader()
    let (ltg, ltgStats) = try reader.readAll(sharedData + "/wiki/dumpster-dive-wikidumps/ltgwiki-smallwiki-latest-pages-articles.xml.bz2")
    #expect(ltg.count == 903 && ltgStats["redirects"] == 195 && ltgStats["other_namespaces"] == 906)
    let (en, enStats) = try reader.readAll(sharedData + "/wiki/gensim-wikidumps/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")
    #expect(en.count == 106 && enStats["redirects"] == 100)
    #expect(en[0].metadata["title"] == "Anarchism" && en[0].text.hasPrefix("Anarchism is a political philosophy"))
}
