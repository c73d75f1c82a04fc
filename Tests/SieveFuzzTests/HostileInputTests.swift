import Testing
#if canImport(Glibc)
import Glibc
#endif
import SieveCore
import SieveIO
import SieveText
import SievePipeline

/// The hostile inputs of DESIGN §11 and issue 12, each ending as a counted skip or a clear
/// error: no crash, no hang, no memory beyond the caps, nothing written outside the run.
@Suite("Hostile inputs")
struct HostileInputTests {
    /// A fresh empty directory under /tmp.
    private func scratch(_ name: String) -> String {
        let dir = "/tmp/sieve-hostile-\(getpid())-\(name)"
        _ = try? FileSystem.removeTree(dir)
        try? FileSystem.createDirectory(dir)
        return dir
    }

    /// The documents and stats of one reader call.
    private func read(_ call: (inout StageStats, (Document) throws -> Void) throws -> Void) throws -> ([Document], StageStats) {
        var docs: [Document] = []
        var stats = StageStats(name: "reader")
        try call(&stats) { docs.append($0) }
        return (docs, stats)
    }

    /// A zstd frame of RLE blocks (RFC 8878 §3.1.1.2: a 3-byte header and one byte stand for
    /// 128 KiB): 10 KB that would inflate to 320 MB, and without a cap to any size.
    private func zstdBomb(blocks: Int) -> [UInt8] {
        var out: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58]  // magic, no content size, 8 MiB window
        for i in 0..<blocks {
            let header = UInt32(i == blocks - 1 ? 1 : 0) | (1 << 1) | (UInt32(128 << 10) << 3)  // last?, RLE, size
            out += [UInt8(header & 0xFF), UInt8(header >> 8 & 0xFF), UInt8(header >> 16), 0x61]  // 'a'
        }
        return out
    }

    @Test func zstdDecompressionBombStopsAtTheRatioCap() throws {
        let bomb = zstdBomb(blocks: 2_500)
        #expect(bomb.count < 10_500)
        let (docs, stats) = try read { try JSONLReader().read(MemoryStream(bomb), name: "bomb.jsonl.zst", stats: &$0, emit: $1) }
        #expect(docs.isEmpty)
        #expect(stats["skipped_decompression_bomb"] == 1)
    }

    @Test func gzipBombInAJSONLFileAndInAWARC() throws {
        // 32 MiB of one byte deflates about 1000:1; with a 1 MiB floor and a 100× ratio cap it is a bomb.
        let dir = scratch("gzip")
        let path = dir + "/bomb.gz"
        let sink = GzipSink(try AtomicFileSink(path: path), level: 9)
        let chunk = [UInt8](repeating: 0x61, count: 1 << 20)
        for _ in 0..<32 { try chunk.withUnsafeBytes { try sink.write($0) } }
        try sink.close()
        let bomb = try FileSystem.readFile(path)
        let limits = DecompressionLimits(maxRatio: 100, ratioFloorBytes: 1 << 20)
        let (docs, stats) = try read { try JSONLReader(decompression: limits).read(MemoryStream(bomb), name: "bomb.jsonl.gz", stats: &$0, emit: $1) }
        #expect(docs.isEmpty && stats["skipped_decompression_bomb"] == 1)
        let warc = WARCReader(limits: .init(decompression: limits))
        let (records, warcStats) = try read { try warc.read(MemoryStream(bomb), name: "bomb.warc.gz", stats: &$0, emit: $1) }
        #expect(records.isEmpty && warcStats["skipped_decompression_bomb"] == 1)
        // The default caps let the same file through: 1000:1 is over 200, but 32 MiB is under the floor.
        let (_, plain) = try read { try JSONLReader().read(MemoryStream(bomb), name: "bomb.jsonl.gz", stats: &$0, emit: $1) }
        #expect(plain["skipped_decompression_bomb"] == 0 && plain["skipped_line_too_long"] == 0)
        try FileSystem.removeTree(dir)
    }

    private func warcRecord(_ body: String, claimedLength: Int? = nil, uri: String) -> String {
        let payload = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: \(uri)\r\nWARC-Record-ID: <urn:uuid:\(uri.utf8.count)>\r\n"
            + "Content-Type: application/http; msgtype=response\r\n"
            + "Content-Length: \(claimedLength ?? payload.utf8.count)\r\n\r\n" + payload + "\r\n\r\n"
    }

    @Test(arguments: [5, 40, 10_000_000_000, 1 << 62])
    func warcWhoseContentLengthLies(claimed: Int) throws {
        let file = warcRecord("<p>first page</p>", uri: "http://a.example/")
            + warcRecord("<p>the liar</p>", claimedLength: claimed, uri: "http://liar.example/")
            + warcRecord("<p>third page</p>", uri: "http://c.example/")
        let (docs, stats) = try read { try WARCReader().read(MemoryStream(Array(file.utf8)), name: "liar.warc", stats: &$0, emit: $1) }
        #expect(urls(docs).first == "http://a.example/")
        #expect(urls(docs).last == "http://c.example/", "the record after the liar is still read")
        if claimed > WebArchiveRecordReader.Limits().maxRecordBytes {
            // Over the cap the record is read through without being held, but only up to the
            // next record header: there its Content-Length is known to lie.
            #expect(urls(docs) == ["http://a.example/", "http://c.example/"])
            #expect(stats["skipped_record_shorter_than_length"] == 1, "\(stats.counters)")
        } else {
            #expect(stats.counters.keys.contains { $0.hasPrefix("skipped_") })
        }
    }

    private func urls(_ docs: [Document]) -> [String] {
        docs.compactMap { $0.metadata["url"].flatMap { if case .string(let s) = $0 { s } else { nil } } }
    }

    /// A real WARC (the e2e fixture: 68 response records, gzip per record) with the
    /// Content-Length of its fifth record set to `claimed`: every other record is still read.
    @Test(arguments: [10_000_000_000, 70 << 20, 1_000_000])
    func aRealWARCWithOneLyingContentLengthLosesOnlyThatRecord(claimed: Int) throws {
        let warc = WARCReader(recordTypes: ["*"], contentTypes: ["*"])
        let original = try Compression.open(fixture("web/pages.warc.gz")).readAll()
        let (reference, _) = try read { try warc.read(MemoryStream(original), name: "pages.warc", stats: &$0, emit: $1) }
        // The fifth record's own header (not its HTTP head): its URI and Content-Length.
        func find(_ text: String, from: Int) -> Int? { original.indices[from...].first { original[$0...].starts(with: Array(text.utf8)) } }
        var record = 0
        for _ in 0..<5 { record = try #require(find("WARC/1.0\r\n", from: record + 1)) }
        let uriStart = try #require(find("WARC-Target-URI: ", from: record)) + 17
        let uri = String(decoding: original[uriStart...].prefix { $0 != 0x0D }, as: UTF8.self)
        let target = try #require(find("Content-Length: ", from: record)) + 16
        let digits = original[target...].prefix { $0 >= 0x30 && $0 <= 0x39 }.count
        var damaged = original
        damaged.replaceSubrange(target..<(target + digits), with: Array(String(claimed).utf8))
        let (docs, stats) = try read { try warc.read(MemoryStream(damaged), name: "damaged.warc", stats: &$0, emit: $1) }
        var expected = urls(reference)
        expected.remove(at: try #require(expected.firstIndex(of: uri)))
        #expect(urls(docs) == expected)
        #expect(stats["skipped_record_shorter_than_length"] == 1, "\(stats.counters)")
        #expect(stats["skipped"] == 1)
    }

    @Test func recordsTrulyOverTheCapAreReadThroughToTheirEnd() throws {
        // With a 48 KiB cap the larger pages are skipped as too large, each read through to
        // its declared end (no header inside), and every smaller one is still read.
        let original = try Compression.open(fixture("web/pages.warc.gz")).readAll()
        let (all, _) = try read { try WARCReader().read(MemoryStream(original), name: "pages.warc", stats: &$0, emit: $1) }
        let capped = WARCReader(limits: .init(maxRecordBytes: 48 << 10))
        let (docs, stats) = try read { try capped.read(MemoryStream(original), name: "pages.warc", stats: &$0, emit: $1) }
        #expect(stats["skipped_record_too_large"] > 0 && !docs.isEmpty)
        #expect(docs.count + Int(stats["skipped_record_too_large"]) == all.count)
        #expect(stats["skipped"] == stats["skipped_record_too_large"], "\(stats.counters)")
    }

    @Test func anARCRecordWhoseLengthLiesLosesOnlyThatRecord() throws {
        let arc = WARCReader(recordTypes: ["*"], contentTypes: ["*"])
        let original = try FileSystem.readFile(fixture("warc/IAH-20080430204825-00000-blackbook-truncated.arc"))
        let (reference, _) = try read { try arc.read(MemoryStream(original), name: "a.arc", stats: &$0, emit: $1) }
        let header = Array("http://www.archive.org/ 207.241.229.39 20080430204826 text/html 680\n".utf8)
        let at = try #require(original.indices.first { original[$0...].starts(with: header) })
        var damaged = original
        damaged.replaceSubrange((at + header.count - 4)..<(at + header.count - 1), with: Array("68000000000".utf8))
        let (docs, stats) = try read { try arc.read(MemoryStream(damaged), name: "damaged.arc", stats: &$0, emit: $1) }
        #expect(urls(docs) == urls(reference).filter { $0 != "http://www.archive.org/" })
        #expect(urls(docs).contains("http://www.archive.org/index.php"))
        #expect(stats["skipped_record_shorter_than_length"] == 1, "\(stats.counters)")
    }

    @Test func htmlNested100000Deep() throws {
        let html = "<html><body>" + String(repeating: "<div>", count: 100_000) + "deep text here"
            + String(repeating: "</div>", count: 100_000) + "<p>A paragraph after the nesting, long enough to keep.</p></body></html>"
        let start = Fuzzer.now()
        let result = try #require(Extractor().extract(html))
        #expect(result.capped)
        #expect(Fuzzer.now() - start < 30)
    }

    /// A JSON line of `lineBytes` (one long string), then one valid document, generated as it
    /// is read (nothing of that size exists anywhere).
    final class LongLineStream: ByteStream {
        private var remaining: Int
        private var head = Array(#"{"id":"huge","text":""#.utf8)
        private var tail = Array(#""}"#.utf8) + [0x0A] + Array(#"{"id":"after","text":"still read"}"#.utf8) + [0x0A]
        /// The most resident memory seen while reading, over what the process held at the start.
        private(set) var peakGrowth = 0
        private let baseline = HostileInputTests.residentBytes()
        init(lineBytes: Int) { remaining = lineBytes }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            peakGrowth = max(peakGrowth, HostileInputTests.residentBytes() - baseline)
            if remaining > 0, head.isEmpty {
                let n = min(remaining, buffer.count)
                memset(buffer.baseAddress!, 0x61, n)
                remaining -= n
                return n
            }
            func serve(_ bytes: inout [UInt8]) -> Int {
                let n = min(bytes.count, buffer.count)
                buffer.copyBytes(from: bytes[0..<n])
                bytes.removeFirst(n)
                return n
            }
            return head.isEmpty ? serve(&tail) : serve(&head)
        }
    }

    @Test func jsonlLineOfOneGigabyte() throws {
        var docs: [Document] = []
        var stats = StageStats(name: "jsonl")
        let stream = LongLineStream(lineBytes: 1 << 30)
        try JSONLReader().read(stream, name: "huge.jsonl", stats: &stats) { docs.append($0) }
        #expect(docs.map(\.id) == ["after"])
        #expect(stats["skipped_line_too_long"] == 1)
        // The reader's buffer grows to the 64 MiB cap (doubling: 128 MiB at most), not to 1 GB.
        #expect(stream.peakGrowth < 400 << 20, "resident memory grew by \(stream.peakGrowth >> 20) MiB")
    }

    @Test func aLineWithAHundredThousandKeys() throws {
        // Metadata lookups are linear: without the cap this line costs ~10^10 key comparisons.
        let keys = (0..<100_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let lines = "{\"text\":\"x\",\(keys)}\n{\"id\":\"ok\",\"text\":\"fine\"}\n"
        let start = Fuzzer.now()
        let (docs, stats) = try read { try JSONLReader().read(MemoryStream(Array(lines.utf8)), name: "keys.jsonl", stats: &$0, emit: $1) }
        #expect(docs.map(\.id) == ["ok"])
        #expect(stats["skipped_too_many_metadata_keys"] == 1)
        #expect(Fuzzer.now() - start < 10)
    }

    /// The process's resident memory now (/proc/self/statm, in pages).
    static func residentBytes() -> Int {
        guard let text = try? FileSystem.readText("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    @Test func tarMemberNamedOutsideIsNeverWritten() throws {
        // TarReader reads members in place: nothing appears beside the working directory.
        let escaped = "../../evil.txt"
        let existed = FileSystem.exists(escaped)
        let archive = ustar([("../../etc/passwd", Array("root:x:0:0:root:/root:/bin/sh\n".utf8)), ("../../evil.txt", Array("Some plain text.\n".utf8))])
        let (docs, stats) = try read { try TarReader().read(MemoryStream(archive), name: "evil.tar", stats: &$0, emit: $1) }
        #expect(docs.map(\.id) == ["evil.tar!../../evil.txt"])
        #expect(docs.first?.text == "Some plain text.\n")
        #expect(stats["other_members"] == 1)
        #expect(FileSystem.exists(escaped) == existed)
    }

    @Test(arguments: ["../outside", "/tmp/sieve-elsewhere", "out/../../outside", "rejected/../.."])
    func pipelineOutputsStayInsideTheRunDirectory(path: String) throws {
        let yaml = """
            version: 1
            name: escape
            input: {format: jsonl, paths: ["fixtures/jsonl/*.jsonl.gz"]}
            steps:
              - c4_quality: {rejected: "\(path.contains("rejected") ? path : "rejected")"}
              - write: {path: "\(path.contains("rejected") ? "out" : path)"}
            """
        #expect { try PipelineSpec.parse(yaml, file: "escape.yaml") } throws: { error in
            "\(error)".contains("outputs must stay inside the run directory") && "\(error)".contains("escape.yaml:")
        }
        // Said explicitly, it is allowed.
        let allowed = yaml.replacing("steps:", with: "allow_outside_outputs: true\nsteps:")
        _ = try PipelineSpec.parse(allowed, file: "escape.yaml")
    }

    /// Fuzzing findings, kept as regression tests.
    @Test func fuzzFindingMediaWikiRevisionOutsideAPage() throws {
        // mediawiki (seed 100): a <revision> with <timestamp> after </page> force-unwrapped a nil page.
        let bytes = try FileSystem.readFile(fixture("hardening/mediawiki-revision-outside-page.xml"))
        _ = try read { try MediaWikiReader().read(MemoryStream(bytes), name: "fuzzed.xml", stats: &$0, emit: $1) }
    }

    @Test func fuzzFindings() {
        // pipeline (seed 1): `max_shard_bytes: 18446744073709551615MB` trapped converting a Double to Int64.
        #expect(parseByteSize("18446744073709551615MB") == nil)
        #expect(parseByteSize("1e400MB") == nil)
        #expect(parseByteSize("nanKB") == nil)
        #expect(parseByteSize("8191PB") == nil)
        #expect(parseByteSize("1.5 GiB") == 3 << 29)
    }
}

/// A ustar archive (POSIX.1-1988) with the given members, written by hand.
func ustar(_ members: [(name: String, content: [UInt8])]) -> [UInt8] {
    var out: [UInt8] = []
    for (name, content) in members {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ s: String, at offset: Int) { for (i, b) in s.utf8.enumerated() { header[offset + i] = b } }
        put(name, at: 0)
        put("0000644", at: 100); put("0000000", at: 108); put("0000000", at: 116)
        put(String(repeating: "0", count: 11 - String(content.count, radix: 8).count) + String(content.count, radix: 8), at: 124)
        put("00000000000", at: 136)
        put("        ", at: 148)
        header[156] = 0x30
        put("ustar", at: 257); put("00", at: 263)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(String(repeating: "0", count: 6 - String(sum, radix: 8).count) + String(sum, radix: 8), at: 148)
        header[154] = 0
        out += header
        out += content
        out += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }
    return out + [UInt8](repeating: 0, count: 1024)
}
