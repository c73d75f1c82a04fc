import Testing
import SieveCore
import SieveIO
@testable import SieveDedup
import SieveTestSupport

/// The licence texts of `../shared/data` (fixtures/dedup/licenses.jsonl, in path order):
/// Apache-2.0 copies {0, 1, 4, 8, 9, 11, 13, 14} (1, 4, 8 byte-identical; 9, 11 identical after
/// simplification), MIT variants {2, 6, 7, 12}, CC BY 4.0 {5, 15}; unrelated: 3 (a short Apache
/// notice), 10 (GPL-3.0), 16 (LGPL-2.1).
enum Licences {
    static let documents: [Document] = try! Fixtures.documents("dedup/licenses.jsonl")
    static let survivors = [0, 2, 3, 5, 10, 16]
}

/// Runs `stage` over `docs` in batches of 5 and returns the ids it passed on, with its stats.
func run(_ stage: some Stage, _ docs: [Document]) throws -> (ids: [String], stats: StageStats, docs: [Document]) {
    var stage = stage
    var stats = StageStats(name: "test")
    var out: [Document] = []
    for start in stride(from: 0, to: docs.count, by: 5) {
        try stage.process(Array(docs[start..<min(start + 5, docs.count)]), into: &out, stats: &stats)
    }
    try stage.finish(into: &out, stats: &stats)
    return (out.map(\.id), stats, out)
}

func ids(_ numbers: [Int]) -> [String] { numbers.map { "licence-" + zeroPadded($0, 2) } }

@Test func xxHash64MatchesTheReference() {
    // Values from Python's xxhash 3.x (xxh64_intdigest).
    #expect(XXHash64.hash("") == 0xEF46_DB37_51D8_E999)
    #expect(XXHash64.hash("a") == 0xD24E_C4F1_A98C_6E5B)
    #expect(XXHash64.hash("abc") == 0x44BC_2CF5_AD77_0999)
    #expect(XXHash64.hash("Nobody inspects the spammish repetition") == 0xFBCE_A83C_8A37_8BF1)
    #expect(XXHash64.hash(String(repeating: "x", count: 100), seed: 7) == 0xAE5A_D321_E4FE_6127)
}

@Test func simplificationLowercasesFoldsDigitsAndStripsAccentsAndPunctuation() {
    #expect(String(decoding: TextSimplifier.simplify("Don't: 1,024 cafés!\n\tNaïve  ÉTÉ 2024"), as: UTF8.self) == "dont 0 cafes naive ete 0")
    #expect(TextSimplifier.simplify("  ... !!! ").isEmpty)
    #expect(String(decoding: TextSimplifier.simplify("Straße — Ωμέγα"), as: UTF8.self) == "straße ωμεγα")
}

@Test func minHashAgreementEstimatesJaccard() {
    var hasher = MinHasher(MinHashConfig())
    let apache = Licences.documents[1].text, warcio = Licences.documents[13].text, gpl = Licences.documents[10].text
    let exact = jaccard(hasher.shingles(apache), hasher.shingles(warcio))
    let (x, y, z) = (hasher.signature(apache), hasher.signature(warcio), hasher.signature(gpl))
    let agreement = Double(zip(x, y).count(where: { $0 == $1 })) / Double(x.count)
    #expect(abs(exact - 0.901) < 0.01)
    #expect(abs(agreement - exact) < 0.1)
    #expect(zip(x, z).count(where: { $0 == $1 }) < 5)
}

/// The 32-bit multiply-add permutations behave as independent ones: on sets of random words
/// with known Jaccard J, the agreement of 112 minima is unbiased and its mean squared error is
/// the binomial J(1 − J)/112 (measured: within a few percent of it).
@Test func minHashAgreementIsUnbiasedWithBinomialVariance() {
    var hasher = MinHasher(MinHashConfig(ngram: 1))
    var random = SplitMix64(seed: 42)
    func words(_ count: Int) -> [String] { (0..<count).map { _ in "w" + String(random.next(), radix: 36) } }
    let (common, own, trials) = (60, 20, 150)
    let j = Double(common) / Double(common + 2 * own)
    var sum = 0.0, squares = 0.0
    for _ in 0..<trials {
        let shared = words(common)
        let x = hasher.signature((shared + words(own)).joined(separator: " "))
        let y = hasher.signature((shared + words(own)).joined(separator: " "))
        let agreement = Double(zip(x, y).count(where: { $0 == $1 })) / Double(x.count)
        sum += agreement
        squares += (agreement - j) * (agreement - j)
    }
    let binomial = j * (1 - j) / 112
    #expect(abs(sum / Double(trials) - j) < 0.015)
    #expect(squares / Double(trials) < 1.4 * binomial)
    #expect(squares / Double(trials) > 0.6 * binomial)
}

/// The eight-letters-at-a-time path agrees with the byte path at every boundary.
@Test func simplificationOfLongWordsAndMixedRuns() {
    let text = "ABCDEFGHIJ abcdefgh Überstraße extraordinarily-long,hyphenated 12345678x Ab\tcD\u{00A0}éXYZabcdefghijklmnopq"
    #expect(String(decoding: TextSimplifier.simplify(text), as: UTF8.self)
            == "abcdefghij abcdefgh uberstraße extraordinarilylonghyphenated 0x ab cd exyzabcdefghijklmnopq")
}

/// A word's hash reads 16 bytes from its start but depends only on its own bytes.
@Test func wordHashIgnoresTheBytesAfterTheWord() {
    for word in ["a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmnop", "abcdefghijklmnopq", String(repeating: "xy", count: 40)] {
        let bytes = Array(word.utf8)
        func hash(padding: UInt8) -> UInt64 {
            (bytes + Array(repeating: padding, count: 16)).withUnsafeBufferPointer { ShingleHash.word(UnsafeBufferPointer(rebasing: $0[0..<bytes.count])) }
        }
        #expect(hash(padding: 0) == hash(padding: 0xAB))
    }
    let hashes = ["a", "b", "ab", "ba", "abcdefgh", "abcdefgh0", "abcdefghijklmnop", "abcdefghijklmnopq"].map { word in
        (Array(word.utf8) + Array(repeating: 0, count: 16)).withUnsafeBufferPointer { ShingleHash.word(UnsafeBufferPointer(rebasing: $0[0..<word.utf8.count])) }
    }
    #expect(Set(hashes).count == hashes.count)
}

/// Rolling a shingle's rotate-xor along the words gives every window's hash as computed afresh.
@Test func rollingShingleHashesEqualTheDirectOnes() {
    var random = SplitMix64(seed: 7)
    for (count, n) in [(0, 5), (3, 5), (5, 5), (40, 5), (30, 1), (30, 9)] {
        let words = (0..<count).map { _ in random.next() }
        var rolled: [UInt64] = []
        words.withUnsafeBufferPointer { ShingleHash.forEachShingle($0, n: n) { s, h in #expect(s == rolled.count); rolled.append(h) } }
        let width = min(count, n)
        let direct = count == 0 ? [] : (0...(count - width)).map { s in
            ShingleHash.fmix64((0..<width).reduce(UInt64(width)) { $0 ^ ShingleHash.rotated(words[s + $1], by: 13 * $1) })
        }
        #expect(rolled == direct)
    }
}

@Test func minHashFindsTheNearDuplicateLicencesAndNothingElse() throws {
    let streaming = try run(MinHashStreamingStage(config: MinHashConfig(), metadata: false), Licences.documents)
    #expect(streaming.ids == ids(Licences.survivors))
    #expect(streaming.stats["dropped_duplicate"] == 11)
}

@Test func exactDedupFindsIdenticalTextsAndURLs() throws {
    let normalized = try run(ExactStreamingStage(key: ExactKey()), Licences.documents)
    #expect(normalized.ids == ids([0, 1, 2, 3, 5, 6, 7, 10, 12, 13, 14, 15, 16]))
    let raw = try run(ExactStreamingStage(key: ExactKey(normalize: false)), Licences.documents)
    #expect(raw.ids == ids([0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16]))
    var docs = Licences.documents
    for k in docs.indices { docs[k].metadata["url"] = .string("https://example.org/\(k % 3)") }
    docs[5].metadata["url"] = nil
    let byURL = try run(ExactStreamingStage(key: ExactKey(field: "url")), docs)
    #expect(byURL.ids == ids([0, 1, 2, 5]))
}

@Test func lineDedupRemovesRepeatedLinesThenShortDocuments() throws {
    let docs = [
        Document(id: "a", text: "Home | About | Contact\nThe first article has its own words.\nCopyright 2019 Example Inc."),
        Document(id: "b", text: "Home | About | Contact\nA second article, also original.\nCopyright 2020 Example Inc."),
        Document(id: "c", text: "home about contact\nCopyright 1999 Example Inc."),
    ]
    let result = try run(LineStreamingStage(hasher: LineHasher(minWords: 3)), docs)
    #expect(result.ids == ["a", "b"])
    #expect(result.docs[1].text == "A second article, also original.")
    #expect(result.stats["removed_lines"] == 4)
    #expect(result.stats["dropped_too_short_after_line_dedup"] == 1)
}

/// The corpus form, phase by phase as a run does it, with a tiny memory budget (many spilled
/// runs): the same survivors as the streaming form, with cluster metadata.
@Test func corpusPhasesGiveTheStreamingResultUnderATinyMemoryBudget() throws {
    let work = try Fixtures.temporaryDirectory()
    let stage = MinHashCorpusStage(config: MinHashConfig(), options: CorpusOptions(memoryBudget: 1, metadata: true))
    // Two input files: odd and even documents.
    let files = [Licences.documents.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
                 Licences.documents.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)]
    var collectStats = StageStats(name: "collect")
    for (f, docs) in files.enumerated() { collectStats.merge(try run(stage.collector(file: f, work: work), docs).stats) }
    #expect(collectStats["spilled_runs"] > 100)
    var reduceStats = StageStats(name: "reduce")
    for (phase, reduce) in stage.reducePhases.enumerated() {
        for task in 0..<reduce.tasks { try stage.reduce(phase: phase, task: task, work: work, stats: &reduceStats) }
    }
    #expect(reduceStats["clusters"] == 3)
    #expect(reduceStats["cluster_size_5_8"] == 1 && reduceStats["cluster_size_3_4"] == 1 && reduceStats["cluster_size_2"] == 1)
    var kept: [Document] = []
    for (f, docs) in files.enumerated() { kept += try run(stage.filter(file: f, work: work), docs).docs }
    #expect(Set(kept.map(\.id)) == Set(ids(Licences.survivors)))
    let apache = kept.first { $0.id == "licence-00" }!
    #expect(apache.metadata["minhash_cluster"] == .string("0:0"))
    #expect(apache.metadata["minhash_cluster_size"] == .number("8"))
}

@Test func damagedOrForeignIntermediateFilesAreRefused() throws {
    let dir = try Fixtures.temporaryDirectory()
    let path = dir + "/a.run"
    try RecordFile.write((0..<1000).map { Record($0, $0 * 2) }, to: path, configHash: 42)
    #expect(try RecordFile.readAll(path, configHash: 42).count == 1000)
    #expect(throws: SieveError.self) { try RecordFile.readAll(path, configHash: 43) }

    var bytes = try FileSystem.readFile(path)
    try FileSystem.writeFile(dir + "/truncated.run", bytes[0..<(bytes.count - 30)])
    let truncated = #expect(throws: SieveError.self) { try RecordFile.readAll(dir + "/truncated.run", configHash: 42) }
    #expect("\(truncated!)".contains("truncated"))

    bytes[500] ^= 1
    try FileSystem.writeFile(dir + "/flipped.run", bytes)
    let flipped = #expect(throws: SieveError.self) { try RecordFile.readAll(dir + "/flipped.run", configHash: 42) }
    #expect("\(flipped!)".contains("checksum"))

    try FileSystem.writeFile(dir + "/foreign.run", try FileSystem.readFile(Fixtures.path("dedup/licenses.jsonl")))
    let foreign = #expect(throws: SieveError.self) { _ = try MergedRuns(paths: [path, dir + "/foreign.run"], configHash: 42) }
    #expect("\(foreign!)".contains("not a Sieve dedup file"))
}

@Test func mergedRunsAreSorted() throws {
    let dir = try Fixtures.temporaryDirectory()
    var generator = SplitMix64(seed: 9)
    var all: [Record] = []
    for k in 0..<5 {
        let records = (0..<300).map { _ in Record(generator.next() % 50, generator.next()) }.sorted()
        all += records
        try RecordFile.write(records, to: dir + "/\(k).run", configHash: 1)
    }
    var merged = try MergedRuns(paths: (0..<5).map { dir + "/\($0).run" }, configHash: 1, memoryBudget: 1)
    var out: [Record] = []
    while let r = try merged.next() { out.append(r) }
    #expect(out == all.sorted())
}

/// Exact-Jaccard verification: the CC BY 4.0 pair (J = 0.827) is an LSH candidate but not a
/// duplicate at 0.85; every other cluster member is above 0.85 with its survivor.
@Test func verificationRejectsCandidatesBelowTheThreshold() throws {
    let config = MinHashConfig(verify: 0.85)
    let expected = ids(Licences.survivors + [15]).sorted()
    let streaming = try run(MinHashStreamingStage(config: config, metadata: false), Licences.documents)
    #expect(streaming.ids.sorted() == expected)
    #expect(streaming.stats["candidates_rejected_by_verification"] >= 1)

    let work = try Fixtures.temporaryDirectory()
    let stage = MinHashCorpusStage(config: config, options: CorpusOptions())
    _ = try run(stage.collector(file: 0, work: work), Licences.documents)
    var stats = StageStats(name: "reduce")
    for (phase, reduce) in stage.reducePhases.enumerated() {
        for task in 0..<reduce.tasks { try stage.reduce(phase: phase, task: task, work: work, stats: &stats) }
    }
    #expect(stats["candidates_rejected_by_verification"] >= 1)
    #expect(try run(stage.filter(file: 0, work: work), Licences.documents).ids.sorted() == expected)
}

/// `../shared/data/prose/gutenberg-books`: two Project Gutenberg editions of Frankenstein (#84,
/// #42324: different transcriptions) and Dracula (#345), cut into paragraphs of 20+ words. Offsets
/// are from the folder's index.jsonl. Skipped when the shared data is absent.
enum Gutenberg {
    static let part0 = Fixtures.root + "/../../shared/data/prose/gutenberg-books/gutenberg_en_part0.txt.gz"
    static var available: Bool { FileSystem.exists(part0) }

    static func paragraphs() throws -> [Document] {
        let stream = try Compression.open(part0)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while bytes.count < 15_650_250 {
            let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        var docs: [Document] = []
        for (name, offset, length) in [("ed1", 14_735_345, 448_928), ("ed2", 15_184_273, 465_977), ("dracula", 11_968_174, 890_394)] {
            let text = String(decoding: bytes[offset..<(offset + length)], as: UTF8.self).replacingOccurrences("\r\n", "\n")
            var k = 0
            for paragraph in text.splitParagraphs() where paragraph.split(separator: " ").count >= 20 {
                docs.append(Document(id: "\(name)-\(k)", text: paragraph))
                k += 1
            }
        }
        return docs
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    func splitParagraphs() -> [String] {
        split(separator: "\n\n").map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
    }
}

@Test(.enabled(if: Gutenberg.available, "../shared/data is absent"))
func theSecondEditionOfFrankensteinIsFoundAndDraculaIsNot() throws {
    let docs = try Gutenberg.paragraphs()
    let kept = Set(try run(MinHashStreamingStage(config: MinHashConfig(), metadata: false), docs).ids)
    func count(_ prefix: String, dropped: Bool) -> Int {
        docs.count { $0.id.hasPrefix(prefix) && kept.contains($0.id) != dropped }
    }
    let (ed1, ed2, dracula) = (docs.count { $0.id.hasPrefix("ed1") }, docs.count { $0.id.hasPrefix("ed2") }, docs.count { $0.id.hasPrefix("dracula") })
    #expect(ed1 > 600 && ed2 > 600 && dracula > 1000)
    // Nearly every paragraph of the second edition is a near-duplicate of the first; Dracula
    // shares only Project Gutenberg's licence paragraphs with them.
    #expect(Double(count("ed2", dropped: true)) >= 0.9 * Double(ed2))
    #expect(count("ed1", dropped: true) <= 5)
    #expect(Double(count("dracula", dropped: true)) <= 0.05 * Double(dracula))
}
