import Foundation
import Testing
import SieveCore
import SieveDedup
import SieveIO
import SieveTestSupport

/// `decontaminate` on real text (fixtures/decontam, made by scripts/make-decontam-fixtures):
/// eight paragraphs of Alice in Wonderland (plain text) and ten Shakespeare speeches (JSONL) as
/// evaluation sets; web documents, documents quoting the sets with small edits, documents sharing
/// only short phrases with them and a paraphrase as the corpus.
@Suite(.serialized) struct DecontaminationTests {
    static let alice = Fixtures.path("decontam/evals/alice.txt")
    static let shakespeare = Fixtures.path("decontam/evals/shakespeare.jsonl")

    func config(ngram: Int = 13, minMatches: Int = 1, mode: DecontaminationConfig.Mode = .mark) throws -> DecontaminationConfig {
        DecontaminationConfig(sets: try EvalSet.resolve([Self.alice, Self.shakespeare]),
                              reader: EvalReader(textFields: ["passage"]), ngram: ngram, minMatches: minMatches, mode: mode)
    }

    /// The documents through a filter built in-process, and its stats.
    func filter(_ docs: [Document], _ config: DecontaminationConfig) throws -> ([Document], StageStats) {
        var stage = try DecontaminationFilter(config: config)
        var output: [Document] = []
        var stats = StageStats(name: "decontaminate")
        try stage.process(docs, into: &output, stats: &stats)
        return (output, stats)
    }

    func corpus() throws -> [Document] {
        var reader = JSONLReader()
        return try reader.readAll(Fixtures.path("decontam/corpus.jsonl")).documents
    }

    /// The set names a document was marked with.
    func marked(_ doc: Document) -> String {
        doc.metadata["contamination"]?.objectValue?.keys.joined(separator: ",") ?? ""
    }

    @Test func quotesWithSmallEditsMatchAndShortPhrasesDoNot() throws {
        let docs = try corpus()
        let (output, stats) = try filter(docs, try config())
        #expect(output.count == docs.count)
        for doc in output {
            #expect(marked(doc) == doc.metadata["expect"]?.stringValue, "\(doc.id)")
        }
        #expect(stats["marked"] == 6)
        #expect(stats["contaminated_alice"] == 4)
        #expect(stats["contaminated_shakespeare"] == 2)
        #expect(stats["eval_examples_alice"] == 8)
        #expect(stats["eval_examples_shakespeare"] == 10)
        // The re-wrapped, lowercased, "> "-quoted and one-typo copies keep most of their 13-grams.
        let counts = output.filter { $0.id.hasPrefix("quote-alice") }.map { $0.metadata["contamination"]!.objectValue!["alice"]!.intValue! }
        #expect(counts.allSatisfy { $0 >= 15 }, "\(counts)")
    }

    @Test func shorterNgramsCatchTheParaphraseAndLongPhrases() throws {
        let (output, _) = try filter(try corpus(), try config(ngram: 8))
        let found = Set(output.filter { !marked($0).isEmpty }.map(\.id))
        // Every 10th word changed: 8-grams survive, 13-grams do not. The phrase documents carry
        // phrases of 4, 6 and 8 words.
        #expect(found.contains("paraphrase-0"))
        #expect(found.contains("phrase-0") && found.contains("phrase-2"))
        #expect(found.isSuperset(of: ["quote-alice-0", "quote-alice-1", "quote-alice-2", "quote-alice-3"]))
    }

    /// n − 1 shared words in a row never match, n always do, for the default and a smaller n;
    /// `min_matches` counts distinct n-grams (n + 1 shared words are two).
    @Test func nMinusOneSharedWordsDoNotMatchNDo() throws {
        // Words of three paragraphs (an n-gram never spans two examples), punctuation-only tokens left out.
        let paragraphs = try FileSystem.readText(Self.alice).components(separatedBy: "\r\n\r\n").map {
            $0.split(whereSeparator: \.isWhitespace).map(String.init).filter { $0.contains { $0.isLetter } }
        }
        let filler = try corpus()[0].text
        for n in [13, 8] {
            for (shared, minMatches, expected) in [(n - 1, 1, false), (n, 1, true), (n, 2, false), (n + 1, 2, true)] {
                for (paragraph, start) in [(0, 0), (3, 10), (7, 20)] {
                    let quote = paragraphs[paragraph][start..<(start + shared)].joined(separator: " ")
                    // Footnote marks ("[1]" is the word "0") keep the filler's words from extending the run.
                    let doc = Document(id: "d", text: filler + " [1] " + quote + " [2] " + filler)
                    let (output, stats) = try filter([doc], try config(ngram: n, minMatches: minMatches))
                    #expect(!marked(output[0]).isEmpty == expected, "n=\(n) shared=\(shared) min_matches=\(minMatches) at \(paragraph):\(start)")
                    #expect(stats["ngram_matches_alice"] == Int64(max(0, shared - n + 1)))
                }
            }
        }
    }

    /// Numbers are compared as written: folded to `0` (as dedup does), any 13 numbers in a row
    /// would match any other 13.
    @Test func numbersAreKeptNotFolded() throws {
        #expect(String(decoding: TextSimplifier.simplify("Don't: 1,024 cafés!"), as: UTF8.self) == "dont 0 cafes")
        var simplifier = TextSimplifier(foldDigits: false)
        var out: [UInt8] = []
        simplifier.simplify("Don't: 1,024 cafés! ٣ ١", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "dont 1024 cafes ٣ ١")

        let dir = try Fixtures.temporaryDirectory()
        try FileSystem.writeFile(dir + "/table.txt", Array("3. 34, 5. 17 18 1,024 7 9 11 250 3 8 66 12 4\n".utf8))
        let config = DecontaminationConfig(sets: try EvalSet.resolve([dir + "/table.txt"]), mode: .mark)
        let other = Document(id: "o", text: "Page 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16")
        let same = Document(id: "s", text: "Table: 3 34 5 17 18 1024 7 9 11 250 3 8 66 (continued)")
        let (output, _) = try filter([other, same], config)
        #expect(output.map { marked($0) } == ["", "table"])
    }

    @Test func dropModeDropsWithItsReasonAndKeepsTheRest() throws {
        let docs = try corpus()
        let (output, stats) = try filter(docs, try config(mode: .drop))
        #expect(output.count == docs.count - 6)
        #expect(output.allSatisfy { $0.metadata["expect"]?.stringValue == "" })
        #expect(stats["dropped_contaminated"] == 6)
        #expect(stats["forwarded"] == Int64(docs.count - 6))
    }

    /// A tiny memory budget spills many sorted runs; the index is byte-identical.
    @Test func theIndexIsTheSameUnderATinyMemoryBudget() throws {
        let dir = try Fixtures.temporaryDirectory()
        var small = try config()
        small.memoryBudget = 1 << 10
        var statsSmall = StageStats(name: "s"), statsLarge = StageStats(name: "l")
        try small.buildIndex(at: dir + "/small.ngrams", stats: &statsSmall)
        try config().buildIndex(at: dir + "/large.ngrams", stats: &statsLarge)
        #expect(try FileSystem.readFile(dir + "/small.ngrams") == FileSystem.readFile(dir + "/large.ngrams"))
        #expect(statsSmall == StageStats(name: "s", counters: statsLarge.counters))
        #expect(statsSmall["index_ngrams"] > 900 && statsSmall["index_ngrams"] <= statsSmall["eval_ngrams_alice"] + statsSmall["eval_ngrams_shakespeare"])
        #expect(!FileSystem.exists(dir + "/small.ngrams.runs"))
    }

    @Test func aDamagedOrForeignIndexIsRefusedWithItsPath() throws {
        let dir = try Fixtures.temporaryDirectory()
        let path = dir + "/index.ngrams"
        var stats = StageStats(name: "s")
        try config().buildIndex(at: path, stats: &stats)
        // Built for 13-grams, opened for 8-grams.
        #expect(throws: SieveError.self) { try DecontaminationFilter(config: try config(ngram: 8), indexPath: path) }
        var bytes = try FileSystem.readFile(path)
        bytes[100] ^= 0xFF
        try FileSystem.writeFile(path, bytes)
        do {
            _ = try DecontaminationFilter(config: try config(), indexPath: path)
            Issue.record("a damaged index was accepted")
        } catch {
            #expect("\(error)".contains(path) && "\(error)".contains("checksum"), "\(error)")
        }
        try FileSystem.writeFile(path, bytes.prefix(bytes.count - 5))
        #expect(throws: SieveError.self) { try DecontaminationFilter(config: try config(), indexPath: path) }
    }

    @Test func evaluationFilesAreReadAsJSONLOrTextWithBadLinesSkipped() throws {
        let dir = try Fixtures.temporaryDirectory()
        // Two speeches, a malformed line and a line without the field between them.
        let lines = try FileSystem.readText(Self.shakespeare).split(separator: "\n")
        try FileSystem.writeFile(dir + "/evals.jsonl", Array((lines[0] + "\n{\"passage\": \n{\"other\": 1}\n" + lines[1] + "\n").utf8))
        var stats = StageStats(name: "s")
        var examples: [String] = []
        try EvalReader(textFields: ["passage"]).forEachExample(dir + "/evals.jsonl", stats: &stats) { examples.append($0) }
        #expect(examples.count == 2)
        #expect(stats["skipped_eval_malformed_json"] == 1 && stats["eval_lines_without_text"] == 1)
        // Alice as paragraphs (CRLF line ends) or as lines.
        var paragraphs: [String] = [], textLines: [String] = []
        try EvalReader(unit: .paragraph).forEachExample(Self.alice, stats: &stats) { paragraphs.append($0) }
        try EvalReader(unit: .line).forEachExample(Self.alice, stats: &stats) { textLines.append($0) }
        #expect(paragraphs.count == 8 && paragraphs[0].hasPrefix("There was a table set out under a tree"))
        let nonBlank = try FileSystem.readText(Self.alice).split(separator: "\r\n").filter { !$0.allSatisfy(\.isWhitespace) }
        #expect(textLines.count == nonBlank.count && !textLines.contains { $0.contains("\r") })
        // Wrapped lines are 10 to 14 words: as line examples most can never match 13-grams, and are counted.
        var lineConfig = try config()
        lineConfig.reader.unit = .line
        var indexStats = StageStats(name: "s")
        try lineConfig.buildIndex(at: dir + "/lines.ngrams", stats: &indexStats)
        let short = textLines.count { TextSimplifier.simplify($0).split(separator: 0x20).count < 13 }
        #expect(short > 0 && indexStats["eval_examples_too_short_alice"] == Int64(short))
        #expect(indexStats["eval_examples_alice"] == Int64(textLines.count))
    }

    @Test func setsAreNamedByFileOrExplicitly() throws {
        let sets = try EvalSet.resolve(["books=" + Self.alice, Fixtures.path("decontam/evals/*.jsonl")])
        #expect(sets.map(\.name) == ["books", "shakespeare"])
        #expect(throws: SieveError.self) { try EvalSet.resolve([Self.alice, "alice=" + Self.shakespeare]) }
        #expect(throws: SieveError.self) { try EvalSet.resolve([Fixtures.path("decontam/evals/*.parquet")]) }
    }

    /// The pipeline in pipelines/: the index is built once (one task, before the map phase, which
    /// filters in place), and the kept documents are byte-identical for 1 and 3 tasks.
    @Test func thePipelineGivesIdenticalOutputsFor1And3Tasks() throws {
        let dir = try Fixtures.temporaryDirectory()
        var outputs: [[String: String]] = []
        for tasks in [1, 3] {
            let result = try Sieve.run(["run", "pipelines/decontaminate.yaml", "--run-dir", dir + "/run\(tasks)", "--tasks", "\(tasks)", "--workers", "2"])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try digests(dir + "/run\(tasks)/out"))
            let (phases, steps) = try runStats(dir + "/run\(tasks)")
            #expect(phases == ["00-decontaminate-index:1", "map:\(tasks)"])
            #expect(steps[1]["dropped_contaminated"]?.intValue == 6)
            #expect(steps[1]["contaminated_alice"]?.intValue == 4 && steps[1]["contaminated_shakespeare"]?.intValue == 2)
            #expect(!FileSystem.exists(dir + "/run\(tasks)/work/00-decontaminate/staged"))
        }
        #expect(!outputs[0].isEmpty)
        #expect(outputs[1] == outputs[0])
    }

    /// After a step that cuts the run (dedup), the index phase still comes first and the filter
    /// runs in the dedup's filter phase.
    @Test func itRunsInsideTheSegmentOfAnotherCorpusStep() throws {
        let dir = try Fixtures.temporaryDirectory()
        // Two copies of the corpus: the second is dropped as exact duplicates.
        for k in 0..<2 { try FileSystem.writeFile(dir + "/in-\(k).jsonl", try FileSystem.readFile(Fixtures.path("decontam/corpus.jsonl"))) }
        let spec = """
            version: 1
            name: dedup-then-decontaminate
            input: {format: jsonl, paths: ["\(dir)/in-*.jsonl"]}
            steps:
              - dedup_exact: {partitions: 2}
              - decontaminate: {eval: ["fixtures/decontam/evals/alice.txt"], mode: mark}
              - write: {path: out, format: jsonl}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        let result = try Sieve.run(["run", dir + "/p.yaml", "--run-dir", dir + "/run", "--tasks", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let (phases, steps) = try runStats(dir + "/run")
        #expect(phases == ["01-decontaminate-index:1", "map:2", "00-dedup_exact-groups:2", "00-dedup_exact-filter:2"])
        #expect(steps[1]["dropped_duplicate"]?.intValue == 47)
        #expect(steps[2]["total"]?.intValue == 47 && steps[2]["marked"]?.intValue == 4)
    }

    /// The phases (name:tasks) and the counters of each step in a run's stats.json.
    func runStats(_ run: String) throws -> (phases: [String], steps: [JSONObject]) {
        let stats = try JSONParser.parse(try FileSystem.readText(run + "/stats.json")).objectValue!
        let phases = stats["phases"]!.arrayValue!.map { $0.objectValue!["name"]!.stringValue! + ":" + String($0.objectValue!["tasks"]!.intValue!) }
        return (phases, stats["steps"]!.arrayValue!.map { $0.objectValue!["counters"]!.objectValue! })
    }

    @Test func theShellStageBuildsItsIndexInATemporaryDirectoryAndRemovesIt() throws {
        let dir = try Fixtures.temporaryDirectory()
        let result = try Sieve.run([], shell: "TMPDIR=\(dir) sieve filter decontaminate --eval fixtures/decontam/evals/alice.txt,shakespeare=fixtures/decontam/evals/shakespeare.jsonl --text-field passage --stats \(dir)/stats.json < fixtures/decontam/corpus.jsonl")
        #expect(result.status == 0, "\(result.stderr)")
        let ids = result.stdout.split(separator: "\n").map { try! NDJSON.decode(String($0)).id }
        #expect(ids.count == 41 && !ids.contains { $0.hasPrefix("quote-") })
        #expect(try FileSystem.readText(dir + "/stats.json").contains("\"dropped_contaminated\":6"))
        #expect(try FileSystem.list(dir) == ["stats.json"])

        let missing = try Sieve.run([], shell: "sieve filter decontaminate --eval fixtures/decontam/nothing-*.jsonl < /dev/null")
        #expect(missing.status != 0 && missing.stderr.contains("eval") && missing.stderr.contains("no file matches"), "\(missing.stderr)")
    }
}
