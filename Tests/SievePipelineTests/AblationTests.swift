import Testing
import SieveCore
import SieveIO
@testable import SievePipeline
import SieveTestSupport

/// `sieve ablate` with tiny settings: a pool of real documents whose scores are their provenance
/// (Project Gutenberg passages 0.9, CCNet crawl text 0.1, as the quality scorer's training
/// labels), the head of tinyshakespeare as the held-out reference.
@Suite struct AblationTests {
    /// 12 Gutenberg passages, 10 crawl documents, one document without a score; returns the pool
    /// file and the bytes of the top share (the first 11 Gutenberg passages).
    func pool(in dir: String) throws -> (path: String, topBytes: Int) {
        var bytes: [UInt8] = []
        var topBytes = 0
        func add(_ file: String, count: Int, score: Double?) throws {
            var reader = JSONLReader()
            for var doc in try reader.readAll(Fixtures.path(file)).documents.prefix(count) {
                if let score {
                    doc.metadata["quality_score"] = JSONValue(score)
                    if score > 0.5 { topBytes += doc.text.utf8.count }
                }
                NDJSON.encode(doc, to: &bytes)
            }
        }
        try add("scorer/gutenberg-chunks.jsonl.gz", count: 11, score: 0.9)
        let top = topBytes
        try add("scorer/gutenberg-chunks.jsonl.gz", count: 1, score: 0.9)  // the same first passage again: a tie, later
        try add("jsonl/ccnet-head-0091.jsonl.gz", count: 10, score: 0.1)
        try add("scorer/wiki-en.jsonl.gz", count: 1, score: nil)
        try FileSystem.writeFile(dir + "/pool.jsonl", bytes)
        return (dir + "/pool.jsonl", top)
    }

    @Test func trainsBothSharesWithTwoSeedsAndReportsBitsPerByte() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (pool, topBytes) = try pool(in: dir)
        let reference = Array(try FileSystem.readFile(Fixtures.path("prose/tinyshakespeare-head.txt")).prefix(16384))
        try FileSystem.writeFile(dir + "/reference.txt", reference)
        let result = try Sieve.run(["ablate", dir + "/run", "--documents", pool, "--reference", dir + "/reference.txt",
                                    "--steps", "8", "--layers", "1", "--width", "32", "--context", "32", "--batch", "4", "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("has no metadata.quality_score; skipped"))
        let o = try #require(try JSONParser.parse(try FileSystem.readText(dir + "/run/ablation.json")).objectValue)
        #expect(o["documents"]?.intValue == 22 && o["documents_per_share"]?.intValue == 11)
        #expect(o["reference_bytes"]?.intValue == 16384 && o["reference_tokens"]?.intValue == 16384)
        // The top share is the 11 highest scores, ties to the earlier document: the Gutenberg passages (bytes + end-of-text each).
        #expect(o["tokens_per_share"]?.objectValue?["top"]?.intValue == topBytes + 11)
        let runs = (o["runs"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(runs.map { $0["share"]?.stringValue ?? "" } == ["top", "top", "random", "random"])
        #expect(runs.map { $0["seed"]?.intValue ?? 0 } == [1, 2, 1, 2])
        let bpb = runs.compactMap { $0["bits_per_byte"]?.doubleValue }
        #expect(bpb.count == 4 && bpb.allSatisfy { $0.isFinite && $0 > 0 && $0 < 9 })
        #expect(Set(bpb).count == 4, "every model differs: \(bpb)")
        let means = try #require(o["mean_bits_per_byte"]?.objectValue)
        #expect(means["top"]?.doubleValue != means["random"]?.doubleValue)
        #expect(FileSystem.exists(dir + "/run/ablation/models/random-seed2/log.jsonl"))

        let table = try #require(RunReport.ablationTable(run: dir + "/run"))
        #expect(table.contains("bits per byte") && table.components(separatedBy: "<tr><td>").count - 1 == 4)
    }

    @Test func samplesAreSeededAndTopIsByScore() {
        #expect(Ablation.top([0.2, 0.9, 0.5, 0.9], count: 2) == [1, 3])
        let a = Ablation.sample(100, count: 10, seed: 1)
        #expect(a == Ablation.sample(100, count: 10, seed: 1) && a != Ablation.sample(100, count: 10, seed: 2))
        #expect(Set(a).count == 10 && a == a.sorted() && a.allSatisfy { (0..<100).contains($0) })
    }

    @Test func mistakesSayWhatToDo() throws {
        let dir = try Fixtures.temporaryDirectory()
        let share = try Sieve.run(["ablate", dir, "--documents", Fixtures.path("jsonl/ccnet-head-0091.jsonl.gz"),
                                   "--reference", Fixtures.path("prose/tinyshakespeare-head.txt"), "--share", "1"])
        #expect(share.status != 0 && share.stderr.contains("--share must be between 0 and 1"))
        let unscored = try Sieve.run(["ablate", dir, "--documents", Fixtures.path("jsonl/ccnet-head-0091.jsonl.gz"),
                                      "--reference", Fixtures.path("prose/tinyshakespeare-head.txt")])
        #expect(unscored.status != 0 && unscored.stderr.contains("score the pool first"), "\(unscored.stderr)")
    }
}
