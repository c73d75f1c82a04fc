import Testing
import SieveCore
import SieveIO
import SievePipeline
import SieveTestSupport

/// One scoring pass (`mode: annotate` + `attributes`) and then `apply` with several cut-offs keep
/// exactly what the filters keep when run directly with those cut-offs.
@Suite(.serialized) struct AttributesTests {
    /// Three input files: Common Crawl pages (dolma), the same pages cut to 200 characters (less
    /// sure languages, short documents), and UDHR/Tatoeba sentences in 40 languages.
    static let corpus: String = {
        let dir = try! Fixtures.temporaryDirectory("attributes-corpus")
        var reader = JSONLReader()
        let pages = Array(try! reader.readAll(Fixtures.path("jsonl/dolma-cc-2019-30.jsonl.gz")).documents.prefix(100))
        let cut = pages.map { Document(id: $0.id + "#cut", text: String($0.text.prefix(200))) }
        let tsv = try! FileSystem.readText(Fixtures.path("langid/heldout-sentences.tsv"))
        let sentences = tsv.split(separator: "\n").enumerated().map { k, line in
            Document(id: "sentence-\(k)", text: String(line.split(separator: "\t", maxSplits: 2).last!))
        }
        for (k, docs) in [pages, cut, sentences].enumerated() {
            var bytes: [UInt8] = []
            for doc in docs { NDJSON.encode(doc, to: &bytes) }
            try! FileSystem.writeFile(dir + "/in-\(k).jsonl", bytes)
        }
        return dir
    }()

    /// Runs a pipeline of `steps` over the corpus; returns the run directory.
    func run(_ name: String, _ steps: String) throws -> String {
        let spec = "version: 1\nname: \(name)\ninput: {format: jsonl, paths: [\"\(Self.corpus)/in-*.jsonl\"]}\nsteps:\n\(steps)\n"
        try FileSystem.writeFile(Self.corpus + "/\(name).yaml", Array(spec.utf8))
        let result = try Sieve.run(["run", Self.corpus + "/\(name).yaml", "--run-dir", Self.corpus + "/\(name)", "--tasks", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        return Self.corpus + "/\(name)"
    }

    /// Ids the steps keep when run directly, in process, file by file.
    func directlyKept(_ steps: [(String, [(String, String)])]) throws -> [String] {
        var kept: [String] = []
        for k in 0..<3 {
            var chain = StageChain(try steps.map { name, params in
                let here = SourceLocation(file: "test")
                return try Registry.steps[name]!.make(
                    StepParams(step: name, location: here, entries: params.map { ($0.0, .scalar($0.1, here)) }), context: StepContext())
            }, names: steps.map(\.0))
            var reader = JSONLReader()
            kept += try chain.process(try reader.readAll(Self.corpus + "/in-\(k).jsonl").documents).map(\.id)
            kept += try chain.finish().map(\.id)
        }
        return kept
    }

    @Test func applyKeepsWhatTheFiltersKeep() throws {
        let annotated = try run("annotate", """
              - language: {}
              - gopher_quality: {mode: annotate}
              - fineweb_quality: {mode: annotate, attribute: fineweb}
              - attributes: {path: attributes, keys: [language, language_score]}
            """)
        // One attribute file per input, a record per document, in input order.
        let names = try FileSystem.list(annotated + "/attributes")
        #expect(names == ["00000.jsonl.zst", "00001.jsonl.zst", "00002.jsonl.zst"])
        let lines = try String(decoding: Compression.open(annotated + "/attributes/00002.jsonl.zst").readAll(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 250)
        let first = try JSONParser.parse(String(lines[0])).objectValue!
        #expect(first["id"]?.stringValue == "sentence-0")
        #expect(first["attributes"]?.objectValue?.keys == ["gopher_quality", "fineweb", "language", "language_score"])

        var sizes: Set<Int> = []
        // Scores are recorded to 4 digits: cut-offs between two such values compare the same.
        for (k, threshold) in ["0.85005", "0.99505", "0.99905"].enumerated() {
            let gopher = k == 2
            let applied = try run("apply\(k)", """
                  - apply: {attributes: \(annotated)/attributes, where: ["language == en", "language_score >= \(threshold)"\(gopher ? ", gopher_quality == keep" : "")]}
                  - write: {path: out}
                """)
            let direct = try directlyKept([("language", [("keep", "en"), ("min_score", threshold)])] + (gopher ? [("gopher_quality", [])] : []))
            let selected = try shardDocuments(in: applied + "/out").map(\.id)
            #expect(selected == direct, "cut-off \(threshold)")
            sizes.insert(selected.count)
        }
        #expect(sizes.count == 3)  // the cut-offs matter on this corpus
        let applied = try run("apply-fineweb", """
              - apply: {attributes: \(annotated)/attributes, where: "fineweb == keep"}
              - write: {path: out}
            """)
        #expect(try shardDocuments(in: applied + "/out").map(\.id) == directlyKept([("fineweb_quality", [])]))
        // The documents are the input's, untouched.
        var reader = JSONLReader()
        let input = try (0..<3).flatMap { try reader.readAll(Self.corpus + "/in-\($0).jsonl").documents }
        let output = try shardDocuments(in: applied + "/out")
        #expect(output == input.filter { doc in output.contains { $0.id == doc.id } })
    }

    @Test func annotateThenApplyInAPipe() throws {
        let input = Self.corpus + "/in-0.jsonl"
        let piped = try Sieve.run([], shell: "sieve filter gopher_repetition --mode annotate < \(input) | sieve filter apply --where 'gopher_repetition == keep'")
        let direct = try Sieve.run([], shell: "sieve filter gopher_repetition < \(input)")
        #expect(piped.status == 0 && direct.status == 0, "\(piped.stderr)")
        let ids = { (text: String) in try text.split(separator: "\n").map { try NDJSON.decode(String($0)).id } }
        #expect(try ids(piped.stdout) == ids(direct.stdout))
        #expect(try ids(direct.stdout).count < 100)
    }

    @Test func attributesOfOtherDocumentsAreRefused() throws {
        let dir = try Fixtures.temporaryDirectory()
        var records = ""
        for k in 0..<3 { records += "{\"id\":\"sentence-\(k)\",\"attributes\":{\"q\":\(k)}}\n" }
        try FileSystem.writeFile(dir + "/attrs.jsonl", Array(records.utf8))
        // Another file's documents: a clear error naming the file, not a silent selection.
        var result = try Sieve.run([], shell: "sieve filter apply --attributes \(dir)/attrs.jsonl --where 'q >= 1' < \(Self.corpus)/in-0.jsonl")
        #expect(result.status != 0 && result.stderr.contains("attrs.jsonl") && result.stderr.contains("same inputs"), "\(result.stderr)")
        // A malformed record is skipped with its document; the rest stay in step.
        records = "{\"id\":\"sentence-0\",\"attributes\":{\"q\":0}}\n{\"id\":\"sentence-1\",\"attri\n{\"id\":\"sentence-2\",\"attributes\":{\"q\":2}}\n"
        try FileSystem.writeFile(dir + "/attrs.jsonl", Array(records.utf8))
        result = try Sieve.run([], shell: "head -3 \(Self.corpus)/in-2.jsonl | sieve filter apply --attributes \(dir)/attrs.jsonl --where 'q >= 0' --stats \(dir)/stats.json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.stdout.split(separator: "\n").map { try NDJSON.decode(String($0)).id } == ["sentence-0", "sentence-2"])
        #expect(result.stderr.contains("attrs.jsonl: line 2"))
        #expect(try FileSystem.readText(dir + "/stats.json").contains("\"skipped_bad_attributes\":1"))
    }

    @Test func annotateKeysAreChecked() throws {
        let here = SourceLocation(file: "test")
        func make(_ entries: [(String, String)]) throws {
            _ = try Registry.steps["gopher_quality"]!.make(
                StepParams(step: "gopher_quality", location: here, entries: entries.map { ($0.0, .scalar($0.1, here)) }), context: StepContext())
        }
        try make([("mode", "annotate"), ("attribute", "gq")])
        #expect(throws: SieveError.self) { try make([("mode", "annotate"), ("rejected", "out/rejected")]) }
        #expect(throws: SieveError.self) { try make([("attribute", "gq")]) }
        #expect(throws: SieveError.self) { try make([("mode", "tag")]) }
        #expect(throws: SieveError.self) {
            _ = try Registry.steps["apply"]!.make(StepParams(step: "apply", location: here, entries: [("where", .scalar("q => 1", here))]), context: StepContext())
        }
    }

    @Test func conditions() throws {
        let attributes: JSONObject = ["q": 0.42, "lang": "en", "ok": true, "spans": [[0, 120, 0.9]], "n": 3]
        func holds(_ text: String) throws -> Bool { try AttributeCondition(text).holds(in: attributes) }
        #expect(try holds("q >= 0.3") && holds("q < 0.5") && !holds("q > 0.42") && holds("q <= 0.42"))
        #expect(try holds("lang == en") && holds("lang == 'en'") && holds("lang != de") && !holds("lang == de"))
        #expect(try holds("ok == true") && !holds("ok == false"))
        #expect(try holds("spans >= 0.8") && !holds("spans >= 0.95"))  // dolma span lists: the score
        #expect(try holds("n == 3") && holds("n != 4"))
        #expect(try !holds("missing == x") && !holds("missing != x") && !holds("q == high"))
        #expect(try AttributeCondition("language_score>=0.65").description == "language_score >= 0.65")
        for bad in ["q", "q >=", ">= 1", "a b == c"] {
            #expect(throws: SieveError.self, "\(bad)") { try AttributeCondition(bad) }
        }
        // Metadata is looked up when the attributes lack the name.
        #expect(try AttributeCondition("language == en").holds(in: [:], metadata: ["language": "en"]))
    }
}
