import SieveCore
import SieveIO
import Testing

/// Records warcio reads from each test file (scripts/warc-expectations.py): type, URL and
/// payload SHA-256 per record.
private let expected: JSONObject = {
    let text = try! FileSystem.readText(fixture("warc/expected.json"))
    return try! JSONParser.parse(text).objectValue!
}()

private typealias Row = [String]

private func rows(_ docs: [Document]) -> [Row] {
    docs.map { [$0.metadata["warc_type"]?.stringValue ?? "", $0.metadata["url"]?.stringValue ?? "-", $0.metadata["payload_sha256"]?.stringValue ?? ""] }
}

private func warcioRows(_ name: String) -> [Row] {
    (expected[name]!.objectValue!["records"]!.arrayValue!).map {
        let r = $0.objectValue!
        return [r["type"]!.stringValue!, r["url"]?.stringValue ?? "-", r["sha256"]!.stringValue!]
    }
}

/// Files where Sieve and warcio differ on purpose, and why:
/// - ARC files: warcio turns the `filedesc://` header into an empty warcinfo record; Sieve
///   keeps its text (compared without it).
/// - example.com.warc: `file:///` responses hold HTTP messages (`application/http`); warcio
///   parses HTTP only for http(s) URLs and digests the whole block, Sieve digests the payload,
///   which is what the file's own `WARC-Payload-Digest: sha256:…` says (checked below).
/// - fb.warc.gz: one body is `Content-Encoding: zstd`, which warcio passes through undecoded;
///   Sieve skips it (`skipped_unsupported_content_encoding`, checked below).
/// - broken files (clipped, bad.arc, example-space-in-url.arc, and the ones warcio cannot read
///   to the end): checked one by one below.
private let divergent: Set<String> = [
    "example.com.warc", "fb.warc.gz", "clipped.warc.gz", "bad.arc", "example-space-in-url.arc",
]

private func compareWithWarcio(_ path: String) throws {
    let name = String(path.split(separator: "/").last!)
    guard let entry = expected[name]?.objectValue, entry["error"] == .null, !divergent.contains(name) else { return }
    var (docs, _) = try readWARC(try FileStream(path: path), name: path, reader: everyRecord)
    var theirs = warcioRows(name)
    if name.contains(".arc") {
        docs.removeAll { $0.metadata["warc_type"] == "warcinfo" }
        theirs.removeAll { $0[0] == "warcinfo" }
    }
    #expect(rows(docs) == theirs, "\(name)")
}

@Test(arguments: try! FileSystem.list(fixture("warc")).filter { $0.contains(".warc") || $0.contains(".arc") })
func warcFixtureMatchesWarcio(file: String) throws {
    try compareWithWarcio(fixture("warc/" + file))
}

@Test func everySharedWARCMatchesWarcio() throws {
    guard let sharedData else { return }
    var compared = 0
    for folder in try FileSystem.list(sharedData + "/warc") where FileSystem.isDirectory(sharedData + "/warc/" + folder) {
        for file in try FileSystem.list(sharedData + "/warc/" + folder) where expected[file] != nil {
            try compareWithWarcio(sharedData + "/warc/" + folder + "/" + file)
            compared += 1
        }
    }
    #expect(compared >= 45)
}

@Test(arguments: try! FileSystem.list(fixture("warc")).filter { $0.contains(".warc") || $0.contains(".arc") })
func chunkSizeDoesNotMatter(file: String) throws {
    let bytes = try FileSystem.readFile(fixture("warc/" + file))
    let (whole, wholeStats) = try readWARC(ChunkedStream(bytes, chunk: bytes.count), name: file, reader: everyRecord)
    // One byte at a time through inflate is slow in debug builds: only for the smaller files.
    let chunks = bytes.count < 64 << 10 ? [1, 7, 65536] : [7, 65536]
    for chunk in chunks {
        let (docs, stats) = try readWARC(ChunkedStream(bytes, chunk: chunk), name: file, reader: everyRecord)
        #expect(docs == whole, "\(file) in \(chunk)-byte chunks")
        #expect(stats == wholeStats, "\(file) in \(chunk)-byte chunks")
    }
}

@Test func recordCountsByType() throws {
    let (_, stats) = try readWARC(try FileStream(path: fixture("warc/warcfile.warc.gz")), name: "warcfile", reader: everyRecord)
    #expect(stats["records_warcinfo"] == 1 && stats["records_request"] == 17 && stats["records_response"] == 16 && stats["records_metadata"] == 16)
    #expect(stats["skipped"] == 0)
}

@Test func responseMetadataLeadsBackToTheBytes() throws {
    let path = fixture("warc/whirlwind.warc.gz")
    var reader = WARCReader()
    let (docs, stats) = try reader.readAll(path)
    #expect(docs.count == 1 && stats["records_request"] == 1 && stats["records_metadata"] == 1)
    let doc = try #require(docs.first)
    #expect(doc.metadata["url"] == "https://an.wikipedia.org/wiki/Escopete")
    #expect(doc.metadata["warc_date"] == "2024-05-18T01:58:10Z")
    #expect(doc.metadata["http_status"] == 200)
    #expect(doc.metadata["content_type"] == "text/html" && doc.metadata["charset"] == "utf-8")
    #expect(doc.text.contains("Escopete"))
    // The member offset starts a gzip member that holds exactly this record.
    let offset = try #require(doc.metadata["source_member_offset"]?.intValue)
    let member = Array(try FileSystem.readFile(path)[offset...])
    let (again, _) = try readWARC(ChunkedStream(member, chunk: 1 << 16), name: "member", reader: WARCReader())
    #expect(again.first?.id == doc.id)
    #expect(doc.id == doc.metadata["warc_record_id"]?.stringValue)
}

@Test func wetTextAndLanguage() throws {
    var reader = WARCReader(recordTypes: ["conversion"])
    let (docs, _) = try reader.readAll(fixture("warc/whirlwind.warc.wet.gz"))
    let doc = try #require(docs.first)
    #expect(docs.count == 1)
    #expect(doc.metadata["language"] == "spa" && doc.metadata["url"] == "https://an.wikipedia.org/wiki/Escopete")
    #expect(doc.text.hasPrefix("Escopete - Biquipedia"))
}

@Test func watEnvelopeAsMetadata() throws {
    var reader = WARCReader(recordTypes: ["metadata"])
    let (docs, _) = try reader.readAll(fixture("warc/whirlwind.warc.wat.gz"))
    let doc = try #require(docs.first)
    #expect(doc.metadata["wat"]?.objectValue?["Envelope"]?.objectValue?["WARC-Header-Metadata"]?.objectValue?["WARC-Type"] == "request")
    // warcfile.warc.gz has no WAT; the WAT here describes a request, so no title or links.
    #expect(doc.metadata["title"] == nil)
}

@Test func charsetsFromHeaderAndMeta() throws {
    var reader = WARCReader()
    let (docs, _) = try reader.readAll(fixture("warc/clueweb-quirk.warc.gz"))
    #expect(docs.count == 29)
    // ClueWeb09-ja: EUC-JP and Shift_JIS pages, decoded to Japanese text.
    let charsets = Set(docs.compactMap { $0.metadata["charset"]?.stringValue })
    #expect(charsets.contains("euc-jp"))
    #expect(docs.allSatisfy { !$0.text.contains("\u{FFFD}\u{FFFD}\u{FFFD}") })
    #expect(docs[0].text.unicodeScalars.contains { $0.value >= 0x3040 && $0.value <= 0x30FF })
}

@Test func chunkedTransferEncodingIsUndone() throws {
    var reader = WARCReader()
    let (docs, _) = try reader.readAll(fixture("warc/example-iana.org-chunked.warc"))
    let doc = try #require(docs.first)
    #expect(doc.text.hasPrefix("<!doctype html>") || doc.text.hasPrefix("<!DOCTYPE html>"))
    #expect(doc.text.hasSuffix("</html>\n"))
}

// MARK: - Broken input

@Test func truncatedGzipRecordIsSkipped() throws {
    var reader = WARCReader()
    let (docs, stats) = try reader.readAll(fixture("warc/clipped.warc.gz"))
    #expect(docs.isEmpty)
    #expect(stats["skipped_truncated_record"] == 1)
}

@Test func garbageAfterRecordsIsCounted() throws {
    let (docs, stats) = try readWARC(try FileStream(path: fixture("warc/example-trunc.warc")), name: "trunc", reader: everyRecord)
    #expect(rows(docs).map { $0[0] } == ["warcinfo", "warcinfo", "response", "request"])
    #expect(stats["skipped_garbage"] == 1)
}

@Test func malformedARCHeadersAreSkipped() throws {
    let (docs, stats) = try readWARC(try FileStream(path: fixture("warc/bad.arc")), name: "bad.arc", reader: everyRecord)
    #expect(docs.count == 1 && docs[0].metadata["url"] == "http://example.com/")
    #expect(stats["skipped_bad_header"] == 2)
}

@Test func arcRecordShorterThanItsLengthIsSkipped() throws {
    let (docs, stats) = try readWARC(try FileStream(path: fixture("warc/example-space-in-url.arc")), name: "arc", reader: everyRecord)
    #expect(docs.map { $0.metadata["warc_type"] } == ["warcinfo"])
    #expect(stats["skipped_truncated_record"] == 1)
}

@Test func missingStatusTextAndCarriageReturns() throws {
    let (docs, _) = try readWARC(try FileStream(path: fixture("warc/missing-status-text.warc")), name: "m", reader: everyRecord)
    #expect(docs.count == 1 && docs[0].metadata["http_status"] == 302 && docs[0].text.isEmpty)
}

@Test func wholeFileGzipReadsLikePlain() throws {
    let (plain, _) = try readWARC(try FileStream(path: fixture("warc/example.warc")), name: "x", reader: everyRecord)
    let (whole, _) = try readWARC(try FileStream(path: fixture("warc/example-bad-non-chunked.warc.gz")), name: "x", reader: everyRecord)
    #expect(rows(whole) == rows(plain) && plain.count == 6)
}

@Test func unsupportedContentEncodingIsCounted() throws {
    let (docs, stats) = try readWARC(try FileStream(path: fixture("warc/fb.warc.gz")), name: "fb", reader: everyRecord)
    #expect(stats["skipped_unsupported_content_encoding"] == 1)
    #expect(docs.count == warcioRows("fb.warc.gz").count - 1)
}

@Test func payloadDigestsMatchTheFilesOwn() throws {
    // example.com.warc records carry WARC-Payload-Digest as sha256 hex over the payload after the
    // HTTP head. Two bodies are gzip-encoded: their declared digest is over the encoded bytes
    // (Sieve digests the decoded ones); the other six must match.
    let (docs, _) = try readWARC(try FileStream(path: fixture("warc/example.com.warc")), name: "x", reader: everyRecord)
    let bytes = try FileSystem.readFile(fixture("warc/example.com.warc"))
    let declared = bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        .filter { $0.hasPrefix("WARC-Payload-Digest: sha256:") }.map { String($0.dropFirst(28).prefix(64)) }
    let computed = docs.compactMap { $0.metadata["payload_sha256"]?.stringValue }
    #expect(declared.count == 8 && declared.filter(computed.contains).count == 6)
}

/// The members of a per-record gzip file, by compressed offset.
private func memberOffsets(_ path: String) throws -> [Int] {
    let (docs, _) = try readWARC(try FileStream(path: path), name: path, reader: everyRecord)
    return docs.compactMap { $0.metadata["source_member_offset"]?.intValue }
}

@Test func corruptGzipMemberLosesOnlyItsRecord() throws {
    let path = fixture("warc/warcfile.warc.gz")
    var bytes = try FileSystem.readFile(path)
    let members = try memberOffsets(path)
    #expect(members.count == 50)
    // Overwrite the middle of the 10th member's deflate data.
    let (a, b) = (members[9], members[10])
    for k in (a + 20)..<min(a + 60, b) { bytes[k] = 0xFF }
    let (docs, stats) = try readWARC(ChunkedStream(bytes, chunk: 4096), name: "corrupt", reader: everyRecord)
    #expect(docs.count == 49)
    #expect(stats["skipped_corrupt_gzip"] == 1)
}

@Test func garbageBetweenGzipMembersIsSkipped() throws {
    let path = fixture("warc/whirlwind.warc.gz")
    var bytes = try FileSystem.readFile(path)
    let members = try memberOffsets(path)
    bytes.insert(contentsOf: Array("this is not gzip".utf8), at: members[2])
    let (docs, stats) = try readWARC(ChunkedStream(bytes, chunk: 7), name: "garbage", reader: everyRecord)
    #expect(docs.count == 4)
    #expect(stats["skipped"] == 1)
}

@Test func recordOverTheCapIsSkippedAndReadThrough() throws {
    let reader = WARCReader(recordTypes: ["*"], contentTypes: ["*"], limits: .init(maxRecordBytes: 20_000))
    let (docs, stats) = try readWARC(try FileStream(path: fixture("warc/whirlwind.warc.gz")), name: "cap", reader: reader)
    // The 72 KB response is over the cap; warcinfo, request and metadata are not.
    #expect(docs.count == 3 && stats["skipped_record_too_large"] == 1)
}

@Test func headerOverTheCapIsSkipped() throws {
    let reader = WARCReader(recordTypes: ["*"], contentTypes: ["*"], limits: .init(maxHeaderBytes: 200))
    let (docs, stats) = try readWARC(try FileStream(path: fixture("warc/example.warc")), name: "cap", reader: reader)
    #expect(stats["skipped_header_too_large"] > 0)
    #expect(docs.count + Int(stats["skipped_header_too_large"]) <= 6)
}

/// Offsets of the records of a plain WARC.
private func recordOffsets(_ path: String) throws -> [Int] {
    let (docs, _) = try readWARC(try FileStream(path: path), name: path, reader: everyRecord)
    return docs.compactMap { $0.metadata["source_offset"]?.intValue }
}

@Test func garbageBetweenPlainRecordsIsSkipped() throws {
    let path = fixture("warc/example.warc")
    var bytes = try FileSystem.readFile(path)
    let offsets = try recordOffsets(path)
    bytes.insert(contentsOf: Array("some junk that is not a record\r\nWARC-ish\r\n\r\n".utf8), at: offsets[2])
    let (docs, stats) = try readWARC(ChunkedStream(bytes, chunk: 7), name: "junk", reader: everyRecord)
    #expect(docs.count == 6 && stats["skipped_garbage"] == 1)
}

@Test func badRecordHeaderLosesOnlyThatRecord() throws {
    let path = fixture("warc/example.warc")
    var bytes = try FileSystem.readFile(path)
    let offsets = try recordOffsets(path)
    // Break the third record's Content-Length value.
    let header = Array(bytes[offsets[2]..<offsets[3]])
    let key = Array("Content-Length: ".utf8)
    let at = offsets[2] + (0..<header.count).first { header[$0...].starts(with: key) }! + key.count
    bytes[at] = UInt8(ascii: "x")
    let (docs, stats) = try readWARC(ChunkedStream(bytes, chunk: 64), name: "bad", reader: everyRecord)
    #expect(docs.count == 5 && stats["skipped_bad_header"] == 1)
}
