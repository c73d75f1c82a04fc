import SieveCore
import Testing
@testable import SieveModel
@testable import SievePipeline
import SieveTestSupport

/// The `quality` and `toxicity` steps, built from the registry as a pipeline or `sieve filter` would.
@Suite(.serialized) struct ScorerStepsTests {
    /// A toxicity scorer trained once on the Davidson sample, saved as a model directory.
    static let toxicityModel: String = {
        let docs = try! Fixtures.documents("scorer/davidson-sample.jsonl.gz")
        let (e, _) = SkipGram.train(docs.map(\.text), config: smallSkipGram())
        let list = Blocklist(terms: try! ScorerTraining.readList(Fixtures.path("scorer/ldnoobw-en.txt")))
        let (scorer, _) = LinearScorer.train(texts: docs.map(\.text), labels: docs.map { $0.metadata["label"]?.intValue == 1 },
                                             embeddings: e, blocklist: list, config: smallScorer())
        let dir = try! Fixtures.temporaryDirectory("toxicityModel")
        try! ScorerModel(task: "toxicity", scorer: scorer, skipGram: nil).save(to: dir)
        return dir
    }()

    func stage(_ name: String, _ entries: [(String, String)], context: StepContext = StepContext()) throws -> any Stage {
        let here = SourceLocation(file: "test.yaml", line: 3, column: 5)
        let params = StepParams(step: name, location: here, entries: entries.map { ($0.0, ParamValue.scalar($0.1, here)) })
        return try Registry.step(name, at: here).make(params, context: context)
    }

    func run(_ stage: inout any Stage, _ docs: [Document]) throws -> ([Document], StageStats) {
        var out: [Document] = []
        var stats = StageStats(name: "test")
        try stage.process(docs, into: &out, stats: &stats)
        try stage.finish(into: &out, stats: &stats)
        return (out, stats)
    }

    @Test func toxicityRemovesSentencesAndCountsTerms() throws {
        var step = try stage("toxicity", [("model", Self.toxicityModel), ("threshold", "0.9")])
        let clean = "The library opens at nine. Children's books are on the second floor.\nAsk at the desk for help."
        let mixed = "The weather was lovely this weekend. RT @user: you a stupid bitch hoe lmao. We walked along the river."
        let toxic = "fuck you bitch. stupid ass hoe. nigga shut up"
        let (out, stats) = try run(&step, [Document(id: "clean", text: clean), Document(id: "mixed", text: mixed),
                                           Document(id: "toxic", text: toxic)])
        try #require(out.map(\.id) == ["clean", "mixed"])
        #expect(out[0].text == clean)
        #expect(out[1].text == "The weather was lovely this weekend. We walked along the river.")
        #expect(out[1].metadata["toxicity_removed_sentences"]?.intValue == 1)
        #expect((out[1].metadata["toxicity_score"]?.doubleValue ?? 0) > 0.9)
        #expect(out[1].metadata["blocklist_hits"]?.objectValue?["bitch"]?.intValue == 1)
        #expect(stats["dropped_toxic"] == 1)
        #expect(stats["blocklist_hits_bitch"] == 2)
        #expect(stats["removed_term_bitch"] == 2)
        #expect(stats["removed_term_fuck"] == 1)
    }

    @Test func qualityWritesScoresAndSketch() throws {
        let dir = try Fixtures.temporaryDirectory()
        var step = try stage("quality", [("model", Self.toxicityModel), ("threshold", "0.5"), ("key", "tox"), ("sketch", "sketches")],
                             context: StepContext(outputRoot: dir, shardPrefix: "00003"))
        let docs = Array(try Fixtures.documents("scorer/davidson-sample.jsonl.gz").prefix(200))
        let (out, stats) = try run(&step, docs)
        #expect(stats["total"] == 200)
        #expect(stats["forwarded"] == Int64(out.count))
        #expect(stats["dropped_below_threshold"] == 200 - Int64(out.count))
        #expect(out.allSatisfy { ($0.metadata["tox"]?.doubleValue ?? -1) >= 0.5 })
        let sketch = try QuantileSketch(json: try JSONParser.parse(try FileSystem.readText(dir + "/sketches/00003.json")))
        #expect(sketch.total == 200)
    }

    @Test func badParametersAreSpecErrors() throws {
        #expect { _ = try stage("quality", [("model", Self.toxicityModel), ("keep_top", "0.3"), ("threshold", "0.5")]) } throws: { error in
            "\(error)".contains("test.yaml:3:5") && "\(error)".contains("exclude each other")
        }
        #expect { _ = try stage("quality", [("model", "/nonexistent/model")]) } throws: { error in
            "\(error)".contains("'model'") && "\(error)".contains("/nonexistent/model")
        }
    }

    /// `keep_top` in a run: a map phase scores, a cut phase merges the tasks' sketches, a filter
    /// phase keeps the top share. The kept set is the same for 1 and 3 tasks, and the same as the
    /// shell form's (which holds the documents in memory).
    @Test func keepTopIsAGlobalPercentile() throws {
        let dir = try Fixtures.temporaryDirectory()
        let docs = Array(try Fixtures.documents("scorer/davidson-sample.jsonl.gz").prefix(400))
        try Fixtures.writeInputFiles(docs, files: 4, in: dir)
        let text = """
            version: 1
            name: top
            input: {format: jsonl, paths: ["\(dir)/in-*.jsonl"]}
            steps:
              - quality: {model: \(Self.toxicityModel), keep_top: 0.3, key: quality_score}
              - write: {path: out, format: jsonl}

            """
        let spec = try PipelineSpec.parse(text, file: dir + "/p.yaml")
        var kept: [[String: Double]] = []
        for tasks in [1, 3] {
            let run = try Run(spec: spec, directory: dir + "/run\(tasks)", tasks: tasks)
            #expect(run.phases.map(\.name) == ["map", "00-quality-cut", "00-quality-filter"])
            try run.prepare(allowChangedSpec: false)
            for p in run.phases.indices {
                for t in 0..<run.phases[p].tasks { try run.runTask(phase: p, task: t) }
            }
            var scores: [String: Double] = [:]
            for name in try FileSystem.list(dir + "/run\(tasks)/out") {
                for doc in try Fixtures.documents(at: dir + "/run\(tasks)/out/" + name) { scores[doc.id] = doc.metadata["quality_score"]?.doubleValue }
            }
            kept.append(scores)
        }
        #expect(kept[0] == kept[1])
        #expect(abs(Double(kept[0].count) - 120) <= 2, "kept \(kept[0].count) of 400")

        var shell = QualityStage(model: try ScorerModel.load(Self.toxicityModel), threshold: nil, keepTop: 0.3, key: "quality_score")
        var out: [Document] = []
        var stats = StageStats(name: "quality")
        try shell.process(docs, into: &out, stats: &stats)
        #expect(out.isEmpty)
        try shell.finish(into: &out, stats: &stats)
        #expect(Dictionary(uniqueKeysWithValues: out.map { ($0.id, $0.metadata["quality_score"]!.doubleValue!) }) == kept[0])
        #expect(stats["dropped_below_top_share"] == Int64(400 - out.count))
    }

    @Test func sentencesRebuildTheText() {
        let text = "First one. Second one!  \"Quoted.\" Next\nline without end\n\nLast?"
        let sentences = Sentences.split(text)
        #expect(sentences.map { String($0.text) } == ["First one.", "Second one!", "\"Quoted.\"", "Next", "line without end", "Last?"])
        #expect(sentences.map { String($0.text) + $0.separator }.joined() == text)
    }
}
