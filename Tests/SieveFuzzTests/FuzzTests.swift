import Testing
import SieveCore
import SieveIO
import SieveText
import SievePipeline
import SieveTokenizer

/// Bounded fuzzing of every parser that reads untrusted bytes (DESIGN §11, docs/reliability.md).
/// Each test mutates real seed inputs from `fixtures/` and asserts the parser neither crashes
/// nor hangs: bad input ends as a thrown error or a counted skip. This is the seeded harness;
/// the coverage-guided libFuzzer targets are in `Fuzz/` (`scripts/fuzz`), and
/// `scripts/fuzz --harness MINUTES` runs these tests seed after seed.
@Suite("Fuzzing", .serialized)
struct FuzzTests {
    private func check(_ name: String, _ seedInputs: [[UInt8]], _ target: ([UInt8]) throws -> Void) {
        var fuzzer = Fuzzer(name, seeds: seedInputs)
        // Quiet: each mutant would warn about what it skipped (thousands of lines).
        let slowest = Log.$warnings.withValue(false) { fuzzer.run(target) }
        #expect(slowest < Fuzzer.maxSecondsPerInput, "\(name): an input took \(slowest) s (seed \(Fuzzer.seed))")
    }

    @Test func byteSources() throws {
        let inputs = try seeds([
            "compression/ccnet-head-0091.jsonl.zst", "compression/ccnet-head-0091.jsonl.bz2",
            "compression/ccnet-head-0091.jsonl.xz", "compression/whirlwind-multimember.warc.gz",
            "broken/truncated.jsonl.gz", "warc/block-sized-records.warc.gz",
        ], maxBytes: 24 << 10)
        check("byte-sources", inputs) { bytes in
            try drain(Compression.decompressing(MemoryStream(bytes), name: "fuzz"))
        }
        check("gzip-recovering", inputs) { bytes in
            let gzip = GzipStream(MemoryStream(bytes), recovers: true)
            for _ in 0..<64 {  // every gap is reported once, then reading goes on
                do { try drain(gzip); return } catch is GzipGap { continue }
            }
        }
    }

    @Test func webArchives() throws {
        let inputs = try seeds([
            "warc/example.warc", "warc/example.warc.gz", "warc/example-iana.org-chunked.warc",
            "warc/example.arc", "warc/example-trunc.warc", "warc/whirlwind.warc.wet.gz",
            "warc/whirlwind.warc.wat.gz", "warc/mutliple-headers.warc", "warc/bad.arc",
            "warc/example-wrong-chunks.warc.gz", "warc/block-sized-records.warc.gz",
        ])
        let reader = WARCReader(recordTypes: Set(WARCReader.allRecordTypes), contentTypes: ["*"])
        check("warc", inputs) { bytes in
            var stats = StageStats(name: "warc")
            try reader.read(MemoryStream(bytes), name: "fuzz.warc", stats: &stats) { _ in }
        }
    }

    @Test func ndjson() throws {
        let inputs = try seeds(["broken/malformed-lines.jsonl", "dedup/licenses.jsonl"], maxBytes: 16 << 10)
            + [Array(#"{"id":"a","text":"x\u00e9\ud83d\ude00","metadata":{"a":[1,2.5e3,{"b":null}],"c":true}}"#.utf8)]
        check("ndjson", inputs) { bytes in
            var stats = StageStats(name: "jsonl")
            try JSONLReader().read(MemoryStream(bytes), name: "fuzz.jsonl", stats: &stats) { doc in
                var out: [UInt8] = []
                NDJSON.encode(doc, to: &out)  // what was read writes back as one valid line
                _ = try out.dropLast().withUnsafeBytes { try NDJSON.decode($0, defaultID: "") }
            }
        }
    }

    @Test func htmlExtractor() throws {
        let pages = try ["0a6291ebbce449b3b04256b43c73e39d", "helge.at.mahu", "ihrwebprofi.at.publikumsvoting"].map {
            try Compression.open(fixture("extraction/trafilatura/\($0).html.gz")).readAll()
        }
        let extractor = Extractor()
        check("html", pages) { bytes in
            _ = extractor.extract(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func mediaWiki() throws {
        let inputs = try seeds(["wiki/tinywiki-latest-pages-articles.xml"], maxBytes: 32 << 10)
        check("mediawiki", inputs) { bytes in
            var stats = StageStats(name: "wiki")
            try MediaWikiReader(namespaces: Set(-2...20)).read(MemoryStream(bytes), name: "fuzz.xml", stats: &stats) { _ in }
        }
    }

    @Test func tarMembers() throws {
        let inputs = try seeds(["tar/testtarfile.tar", "tar/blns.jsonl.zst.tar", "tar/blns.txt.tar.gz"])
        check("tar", inputs) { bytes in
            var stats = StageStats(name: "tar")
            try TarReader().read(MemoryStream(bytes), name: "fuzz.tar", stats: &stats) { _ in }
        }
    }

    @Test func pipelineFiles() throws {
        // Steps whose construction loads big resources (url's blocklist, models) are left out:
        // building them takes seconds per input in a debug build; their parameters parse the same way.
        let light = """
            version: 1
            name: light
            tasks: 3
            input: {format: warc, paths: ["fixtures/warc/*.warc.gz"], records: [response, resource], max_record_bytes: 1MB}
            steps:
              - extract: {focus: precision}
              - gopher_repetition: {}
              - gopher_quality: {min_doc_words: 50, stop_words: [the, be, to]}
              - c4_quality: {filter_no_terminal_punct: false, rejected: rejected/c4}
              - dedup_exact: {}
              - write: {path: out/text, format: jsonl.gz, max_shard_bytes: 256MB, max_shard_docs: 1000}
            slurm: {partition: debug, time: "01:00:00"}
            """
        let inputs = try seeds(["../pipelines/jsonl-to-shards.yaml", "../pipelines/redact-pii.yaml"]) + [Array(light.utf8)]
        check("pipeline", inputs) { bytes in
            _ = try PipelineSpec.parse(String(decoding: bytes, as: UTF8.self), file: repositoryRoot + "/pipelines/fuzz.yaml")
        }
    }

    @Test func tokenizerDecode() throws {
        let tokenizer = try Tokenizer.load(fixture("tokenizer/gpt2-tokenizer.json.gz"))
        var encoder = Encoder(tokenizer)
        let ids = encoder.encode("Hello, world! Ünïcödé 🙂 text with  spaces\n\tand tabs.")
        let seed = ids.flatMap { id in (0..<4).map { UInt8(truncatingIfNeeded: id >> ($0 * 8)) } }
        check("tokenizer-decode", [seed]) { bytes in
            let ids = stride(from: 0, to: bytes.count - 3, by: 4).map { i in
                (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[i + $1]) << ($1 * 8) }
            }
            _ = tokenizer.decodeText(ids)
        }
    }
}
