import SieveCore
import SieveText

/// Documents from web archives: WARC (0.18, 1.0, 1.1) and ARC files, Common Crawl's WET
/// (`conversion` records) and WAT (`metadata` records holding a JSON envelope); gzip per
/// record or whole file, or plain.
///
/// - `response` records (and ARC captures): the HTTP head is parsed (status, media type,
///   charset); `Transfer-Encoding: chunked` and `Content-Encoding: gzip`/`deflate` are undone;
///   the body is decoded to UTF-8 by `CharsetDecoder` (HTTP header, BOM, `<meta charset>`,
///   ICU's detector), the choice kept in `metadata.charset` / `charset_source`. Only media
///   types in `contentTypes` become documents (the rest are counted as `filtered_content_type`).
/// - `resource` records: the same, without an HTTP head. `conversion` (WET): the text as it
///   is, `language` from `WARC-Identified-Content-Language` (its first code; all of them in
///   `warc_languages`). `metadata` (WAT): the JSON envelope as `metadata.wat`, with the page
///   `title` and `links` lifted out; other metadata records as text.
/// - Every record is counted by type (`records_response`, `records_request`, …).
///
/// Metadata: `url`, `warc_date`, `warc_record_id`, `warc_type`, `content_type`, `charset`,
/// `http_status`, `source` (the file), `source_offset` (the record's offset in the
/// decompressed stream) and, for gzip per record, `source_member_offset` (the compressed
/// offset of its member, as in CDX indexes), so each document leads back to its bytes.
public struct WARCReader: DocumentReader, Sendable {
    /// Record types that become documents; `*` takes all (also types WARC does not define).
    public var recordTypes: Set<String>
    /// Media type prefixes that become documents; `*` takes all.
    public var contentTypes: [String]
    public var limits: WebArchiveRecordReader.Limits
    /// Adds `payload_sha256`: the SHA-256 of the payload bytes after transfer and content
    /// decoding, before charset decoding (to dedup by payload and to check readers).
    public var digest: Bool

    public static let defaultContentTypes = ["text/html", "application/xhtml+xml", "text/plain"]
    public static let allRecordTypes = ["response", "resource", "conversion", "metadata", "request", "revisit", "warcinfo"]

    public init(recordTypes: Set<String> = ["response"], contentTypes: [String] = WARCReader.defaultContentTypes,
                limits: WebArchiveRecordReader.Limits = .init(), digest: Bool = false) {
        self.recordTypes = recordTypes
        self.contentTypes = contentTypes
        self.limits = limits
        self.digest = digest
    }

    public func read(_ path: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let stream: ByteStream = try Compression.openRaw(path)
        try read(stream, name: path, stats: &stats, emit: emit)
    }

    /// Reads the records of `stream` (decompressed by content); `name` is the `source`.
    public func read(_ stream: ByteStream, name: String, stats: inout StageStats, emit: (Document) throws -> Void) throws {
        let records = try WebArchiveRecordReader(stream, name: name, limits: limits)
        while let record = try records.next(stats: &stats) {
            stats.add("records_" + record.type)
            guard recordTypes.contains(record.type) || recordTypes.contains("*") else { continue }
            if let doc = document(record, name: name, stats: &stats) { try emit(doc) }
        }
    }

    /// The document a record holds, or nil (counted) when it holds none worth keeping.
    func document(_ record: WebArchiveRecord, name: String, stats: inout StageStats) -> Document? {
        var meta = JSONObject()
        if let url = record.targetURI { meta["url"] = .string(url) }
        if let date = record.date { meta["warc_date"] = .string(date) }
        if let id = record.recordID { meta["warc_record_id"] = .string(id) }
        meta["warc_type"] = .string(record.type)
        var declaredCharset: String?
        var mediaType: String?
        var payload = record.content
        var owned: [UInt8]?

        switch record.type {
        case "conversion":
            mediaType = "text/plain"
            declaredCharset = record.contentType.flatMap { parseContentType($0).charset } ?? "utf-8"
            if let languages = record.identifiedLanguage, !languages.isEmpty {
                meta["language"] = .string(String(languages.split(separator: ",")[0]))
                meta["warc_languages"] = .string(languages)
            }
        case "metadata" where record.contentType?.lowercased().hasPrefix("application/json") == true:
            return wat(record, meta: meta, name: name, stats: &stats)
        default:
            let head = HTTPResponseHead(record.content, request: record.type == "request",
                                        trusted: record.contentType?.lowercased().hasPrefix("application/http") == true)
            if let head {
                if let status = head.status { meta["http_status"] = JSONValue(status) }
                mediaType = head.mediaType
                declaredCharset = head.charset
            } else if record.type != "metadata" {
                let (type, charset) = record.contentType.map(parseContentType) ?? (nil, nil)
                mediaType = record.identifiedPayloadType.map { parseContentType($0).mediaType } ?? type
                declaredCharset = charset
            }
            // Filtered before any decoding work is spent on it.
            if let mediaType, record.type != "metadata", !accepts(mediaType) {
                stats.add("filtered_content_type")
                return nil
            }
            if let head {
                payload = UnsafeRawBufferPointer(rebasing: record.content[head.bodyStart...])
                if head.chunked, let body = dechunk(payload) { owned = body }
                if let coding = head.contentEncoding {
                    guard coding == "gzip" || coding == "x-gzip" || coding == "deflate" else {
                        skip("unsupported_content_encoding", "Content-Encoding \(coding)", at: "\(name) at offset \(record.offset)", stats: &stats)
                        return nil
                    }
                    let inflated = (owned ?? Array(payload)).withUnsafeBytes { HTTPInflate.inflate($0, limit: limits.maxRecordBytes) }
                    switch inflated {
                    case .success(let bytes): owned = bytes
                    case .failure(.tooLarge):
                        skip("record_too_large", "decoded body over \(limits.maxRecordBytes) bytes", at: "\(name) at offset \(record.offset)", stats: &stats)
                        return nil
                    case .failure(.corrupt):
                        // Archives often hold the decoded body with the header left in
                        // (warcio reads such bodies as they are, and so does Sieve).
                        stats.add("content_encoding_not_applied")
                    }
                }
            }
        }

        func finish(_ bytes: UnsafeRawBufferPointer) -> Document? {
            if mediaType == nil, record.type != "metadata", looksBinary(bytes) {
                stats.add("filtered_content_type")
                return nil
            }
            if digest { meta["payload_sha256"] = .string(SHA256.hex(of: bytes)) }
            let sniff = mediaType.map { $0.contains("html") || $0.contains("xml") } ?? true
            let decoded = CharsetDecoder.decode(bytes, declared: declaredCharset, sniffMeta: sniff)
            if let mediaType { meta["content_type"] = .string(mediaType) }
            meta["charset"] = .string(decoded.charset)
            meta["charset_source"] = .string(decoded.source.rawValue)
            meta["source"] = .string(name)
            meta["source_offset"] = JSONValue(Int(record.offset))
            if let member = record.memberOffset { meta["source_member_offset"] = JSONValue(Int(member)) }
            return Document(id: record.recordID ?? "\(name):\(record.offset)", text: decoded.text, metadata: meta)
        }
        if let owned { return owned.withUnsafeBytes(finish) }
        return finish(payload)
    }

    private func accepts(_ mediaType: String) -> Bool {
        contentTypes.contains { $0 == "*" || mediaType.hasPrefix($0) }
    }

    /// A WAT record: the JSON envelope as metadata; the text is the page title (if any).
    private func wat(_ record: WebArchiveRecord, meta: JSONObject, name: String, stats: inout StageStats) -> Document? {
        var meta = meta
        guard let json = try? JSONParser.parse(record.content) else {
            skip("malformed_json", "WAT record is not valid JSON", at: "\(name) at offset \(record.offset)", stats: &stats)
            return nil
        }
        if digest { meta["payload_sha256"] = .string(SHA256.hex(of: record.content)) }
        let html = json.objectValue?["Envelope"]?.objectValue?["Payload-Metadata"]?.objectValue?["HTTP-Response-Metadata"]?
            .objectValue?["HTML-Metadata"]?.objectValue
        let title = html?["Head"]?.objectValue?["Title"]?.stringValue
        if let title { meta["title"] = .string(title) }
        if let links = html?["Links"] { meta["links"] = links }
        meta["content_type"] = "application/json"
        meta["source"] = .string(name)
        meta["source_offset"] = JSONValue(Int(record.offset))
        if let member = record.memberOffset { meta["source_member_offset"] = JSONValue(Int(member)) }
        meta["wat"] = json
        return Document(id: record.recordID ?? "\(name):\(record.offset)", text: title ?? "", metadata: meta)
    }
}

/// A payload of unknown type is taken as text unless its start holds NUL bytes.
private func looksBinary(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.prefix(1024).contains(0)
}
