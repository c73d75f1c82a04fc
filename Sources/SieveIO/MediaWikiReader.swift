import SieveCore
import SieveText

/// Pages of a MediaWiki XML dump (`pages-articles.xml`, plain or compressed — `.bz2` as
/// Wikimedia publishes them — UTF-8 or UTF-16 with BOM; export schema 0.3 to 0.11), streamed
/// with libxml2's reader: one page in memory at a time.
///
/// Each page in `namespaces` (articles, 0, by default) becomes a document whose text is its
/// latest revision's wikitext reduced to plain text (`Wikitext.plainText`; `keepWikitext`
/// keeps the markup). Redirects are skipped and counted (`redirects`), as are pages of other
/// namespaces (`other_namespaces`); a page over `maxPageBytes` is skipped
/// (`skipped_page_too_large`). A compressed dump that inflates past `decompression`'s ratio
/// cap ends with `skipped_decompression_bomb`, one cut short with `skipped_truncated_input`
/// (the whole pages before the cut are kept, the page it cuts is not). Malformed XML ends the
/// file with a counted skip (`skipped_malformed_xml`): XML has no resynchronisation point, and
/// every page before it was already delivered.
///
/// Metadata: `title`, `page_id`, `revision_id`, `timestamp`, `namespace`, `url` (from the
/// site's base URL), `source`. The id is `DBNAME:PAGEID` (`enwiki:12`).
public struct MediaWikiReader: DocumentReader, Sendable {
    public var namespaces: Set<Int>
    public var keepWikitext: Bool
    public var maxPageBytes: Int
    public var decompression: DecompressionLimits

    public init(namespaces: Set<Int> = [0], keepWikitext: Bool = false, maxPageBytes: Int = 64 << 20,
                decompression: DecompressionLimits = .init()) {
        self.namespaces = namespaces
        self.keepWikitext = keepWikitext
        self.maxPageBytes = maxPageBytes
        self.decompression = decompression
    }

    public func read(_ path: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let stream: ByteStream = try Compression.openRaw(path)
        try read(stream, name: path, stats: &stats, emit: emit)
    }

    private struct Page {
        var title = "", namespace = 0, id = "", revision = "", timestamp = "", text = "", redirect = false
    }

    public func read(_ stream: ByteStream, name: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let input = try Compression.decompressing(stream, name: name, limits: decompression)
        var truncated: TruncatedInput?
        let xml = XMLStreamReader { buffer in
            do { return try input.read(into: buffer) } catch let error as TruncatedInput { truncated = error; return 0 }
        }
        var page: Page?
        var inRevision = false
        var inContributor = false
        var site = "wiki"
        var base: String?
        var pages = 0
        do {
            while try xml.next() {
                switch xml.nodeType {
                case .element:
                    switch xml.name {
                    case "page": page = Page(); inRevision = false
                    case "revision": inRevision = true
                    case "contributor": inContributor = true
                    case "dbname" where page == nil: site = xml.readString()
                    case "base" where page == nil: base = xml.readString()
                    case "title" where page != nil: page!.title = xml.readString()
                    case "ns" where page != nil: page!.namespace = Int(xml.readString()) ?? 0
                    case "id" where page != nil && !inContributor:
                        if inRevision { page!.revision = xml.readString() } else { page!.id = xml.readString() }
                    // A <revision> outside any <page> (fuzzing found one) has no page to fill.
                    case "timestamp" where inRevision && page != nil: page!.timestamp = xml.readString()
                    case "redirect" where page != nil: page!.redirect = true
                    case "text" where inRevision && page != nil: page!.text = xml.readString()
                    default: break
                    }
                case .endElement:
                    switch xml.name {
                    case "contributor": inContributor = false
                    case "revision": inRevision = false
                    case "page":
                        pages += 1
                        // Once the input was cut, libxml2 closes what is open: that page is not whole.
                        if truncated == nil, let done = page, let doc = document(done, site: site, base: base, name: name, stats: &stats) {
                            try emit(doc)
                        }
                        page = nil
                    default: break
                    }
                default: break
                }
            }
        } catch let error as XMLStreamReader.ParseError {
            // A stream cut short (truncated, or stopped as a bomb) breaks the XML: the cut is counted.
            if truncated == nil {
                skip("malformed_xml", "\(error) after \(pages) pages", at: name, stats: &stats)
                return
            }
        }
        if let truncated { skip(truncated.reason, "\(truncated) after \(pages) pages", at: name, stats: &stats) }
    }

    private func document(_ page: Page, site: String, base: String?, name: String, stats: inout StageStats) -> Document? {
        if page.redirect || page.text.hasPrefix("#REDIRECT") || page.text.hasPrefix("#redirect") {
            stats.add("redirects")
            return nil
        }
        guard namespaces.contains(page.namespace) else {
            stats.add("other_namespaces")
            return nil
        }
        guard page.text.utf8.count <= maxPageBytes else {
            skip("page_too_large", "page \(page.id) (\(page.title)) is over \(maxPageBytes) bytes", at: name, stats: &stats)
            return nil
        }
        var meta = JSONObject()
        meta["title"] = .string(page.title)
        if let id = Int(page.id) { meta["page_id"] = JSONValue(id) }
        if let revision = Int(page.revision) { meta["revision_id"] = JSONValue(revision) }
        if !page.timestamp.isEmpty { meta["timestamp"] = .string(page.timestamp) }
        meta["namespace"] = JSONValue(page.namespace)
        // <base>https://en.wikipedia.org/wiki/Main_Page</base>: pages live beside the main page.
        if let base, let slash = base.lastIndex(of: "/") {
            meta["url"] = .string(String(base[...slash]) + page.title.replacingSpaces)
        }
        meta["source"] = .string(name)
        let text = keepWikitext ? page.text : Wikitext.plainText(page.text)
        return Document(id: "\(site):\(page.id)", text: text, metadata: meta)
    }
}

extension String {
    fileprivate var replacingSpaces: String { split(separator: " ", omittingEmptySubsequences: false).joined(separator: "_") }
}
