import Testing
import SieveCore
@testable import SieveIO
import SieveTestSupport

@Suite struct DecompressionTests {
    static let expected = (try? FileSystem.readText(Fixtures.path("compression/ccnet-head-0091.jsonl.sha256")))?
        .split(separator: " ").first.map { String($0.prefix(64)) } ?? ""

    @Test(arguments: ["jsonl/ccnet-head-0091.jsonl.gz", "compression/ccnet-head-0091.jsonl.zst",
                      "compression/ccnet-head-0091.jsonl.bz2", "compression/ccnet-head-0091.jsonl.xz",
                      "compression/ccnet-head-0091.jsonl.lz4"])
    func decompressesByContent(file: String) throws {
        let bytes = try Compression.open(Fixtures.path(file)).readAll()
        #expect(bytes.count == 105_284)
        #expect(SHA256.hex(of: bytes) == Self.expected)
    }

    @Test(arguments: [1, 7, 65536])
    func decompressesInAnyChunkSize(chunk: Int) throws {
        for file in ["jsonl/ccnet-head-0091.jsonl.gz", "compression/ccnet-head-0091.jsonl.zst", "compression/ccnet-head-0091.jsonl.xz"] {
            let stream = try Compression.decompressing(ChunkedStream(FileSystem.readFile(Fixtures.path(file)), chunk: chunk), name: file)
            #expect(SHA256.hex(of: try stream.readAll()) == Self.expected)
        }
    }

    @Test func readsEveryMemberOfAMultiMemberGzip() throws {
        // 4 gzip members (warcinfo, request, response, metadata); digest of `zcat FILE`.
        let members = try Compression.open(Fixtures.path("compression/whirlwind-multimember.warc.gz")).readAll()
        #expect(members.count == 77_432)
        #expect(SHA256.hex(of: members) == "511b743320ccd67f8d3c79e352afa71557b8740f94b5dfde14cf05a447ff7f94")
    }

    @Test func detectsByContentNotByName() throws {
        let path = Fixtures.path("compression/plain-despite-name.jsonl.zst")
        #expect(SHA256.hex(of: try Compression.open(path).readAll()) == SHA256.hex(of: try FileSystem.readFile(path)))
        #expect(Compression.detect([0x1F, 0x8B, 8]) == .gzip)
        #expect(Compression.detect(Array("BZh9".utf8)) == .bzip2)
        #expect(Compression.detect([0x28, 0xB5, 0x2F, 0xFD]) == .zstd)
        #expect(Compression.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) == .xz)
        #expect(Compression.detect(Array("{\"id\"".utf8)) == .none)
    }

    @Test func reportsTruncatedGzipAfterDeliveringWhatCameBefore() throws {
        let stream = try Compression.open(Fixtures.path("broken/truncated.jsonl.gz"))
        var delivered: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        #expect(throws: TruncatedInput.self) {
            while true {
                let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
                if n == 0 { break }
                delivered += chunk[0..<n]
            }
        }
        #expect(delivered.count > 10_000)
        let whole = try Compression.open(Fixtures.path("jsonl/ccnet-head-0091.jsonl.gz")).readAll()
        #expect(SHA256.hex(of: whole.prefix(delivered.count)) == SHA256.hex(of: delivered))
    }

    @Test(arguments: ["jsonl.gz", "jsonl.zst"])
    func compressingSinksRoundTrip(ext: String) throws {
        let dir = try Fixtures.temporaryDirectory()
        let original = try FileSystem.readFile(Fixtures.path("compression/whirlwind.warc"))
        let file = try AtomicFileSink(path: dir + "/x." + ext)
        let sink: ByteSink = ext == "jsonl.gz" ? GzipSink(file) : ZstdSink(file)
        try original.withUnsafeBytes { try sink.write($0) }
        try sink.close()
        #expect(SHA256.hex(of: try Compression.open(dir + "/x." + ext).readAll()) == SHA256.hex(of: original))
        #expect(!FileSystem.exists(dir + "/.x.\(ext).tmp"))
    }
}
