import Testing
import SieveCore
import SieveIO
import SieveTestSupport

/// `train_tokenizer` in a run: a phase barrier whose tokenizer, and the token shards `tokenize`
/// writes with it, do not depend on the number of tasks, and which resumes from its markers.
@Suite(.serialized) struct TrainTokenizerRunTests {
    /// Six input files dealing out 180 documents of the dolma fixture; returns (spec path, run dir prefix).
    func corpus(steps: String? = nil) throws -> (spec: String, run: String) {
        let dir = try Fixtures.temporaryDirectory()
        var reader = JSONLReader()
        let docs = try reader.readAll(Fixtures.path("jsonl/dolma-cc-2019-30.jsonl.gz")).documents.prefix(180)
        try Fixtures.writeInputFiles(docs, files: 6, in: dir)
        let spec = """
            version: 1
            name: tokens
            input: {format: jsonl, paths: ["\(dir)/in-*.jsonl"]}
            steps:
              - gopher_quality: {}
              - write: {path: out/text, format: jsonl.zst}
              - train_tokenizer: {vocab_size: 800, path: models/tokenizer.json, sample_bytes: 100KB, seed: 5}
            \(steps ?? "  - tokenize: {tokenizer: $train_tokenizer, path: out/tokens, max_shard_tokens: 20000, val_tokens: 3000}")

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        return (dir + "/p.yaml", dir + "/run")
    }

    @Test func tokenizerAndTokenShardsAreByteIdenticalFor1And3Tasks() throws {
        let (spec, run) = try corpus()
        var outputs: [[String: String]] = []
        for tasks in [1, 3] {
            let result = try Sieve.run(["run", spec, "--run-dir", run + "\(tasks)", "--tasks", "\(tasks)", "--workers", "2"])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try digests(run + "\(tasks)/out").merging(digests(run + "\(tasks)/models")) { a, _ in a })
        }
        #expect(outputs[0]["tokenizer.json"] != nil && outputs[0]["tokens/manifest.json"] != nil)
        #expect(outputs[0].keys.filter { $0.hasPrefix("tokens/") && $0.hasSuffix(".bin") }.count >= 6)
        #expect(outputs[1] == outputs[0])

        let stats = try JSONParser.parse(try FileSystem.readText(run + "3/stats.json")).objectValue!
        #expect(stats["phases"]!.arrayValue!.compactMap { $0.objectValue?["name"]?.stringValue } == ["map", "02-train_tokenizer-train", "02-train_tokenizer-filter"])
        let steps = stats["steps"]!.arrayValue!.map { $0.objectValue!["counters"]!.objectValue! }
        let kept = steps[2]["forwarded"]!.intValue!
        #expect(steps[3]["forwarded"]!.intValue == kept && steps[4]["documents"]!.intValue == kept)
        #expect(steps[3]["vocab_size"]!.intValue == 800)
        #expect(steps[3]["sampled_bytes"]!.intValue! <= 100 * 1024 && steps[3]["sampled_documents"]!.intValue! < kept)

        // The manifest names the tokenizer under the run directory, and the shell form trains the same one.
        let manifest = try JSONParser.parse(try FileSystem.readText(run + "3/out/tokens/manifest.json")).objectValue!
        #expect(manifest["tokenizer"]?.stringValue == "models/tokenizer.json")
        let shell = run + "-shell.json"
        let piped = try Sieve.run([], shell: "cat \(run + "1")/out/text/*.jsonl.zst | sieve filter train_tokenizer --vocab-size 800 --path \(shell) --sample-bytes 100KB --seed 5 > /dev/null")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try FileSystem.readFile(shell) == FileSystem.readFile(run + "1/models/tokenizer.json"))
    }

    @Test func aRunThatLostItsTrainingAndLastPhaseResumesToTheSameOutputs() throws {
        let (spec, run) = try corpus()
        #expect(try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "2"]).status == 0)
        let before = try digests(run + "/out").merging(digests(run + "/models")) { a, _ in a }
        // As if killed during training: the train and filter phases are not done, their outputs gone.
        for name in try FileSystem.list(run + "/completions") where name.hasPrefix("02-") { FileSystem.remove(run + "/completions/" + name) }
        try FileSystem.removeTree(run + "/checkpoints/02-train_tokenizer-filter")
        try FileSystem.removeTree(run + "/out/tokens")
        try FileSystem.removeTree(run + "/models")
        let resumed = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(FileSystem.exists(run + "/checkpoints/map"))
        #expect(try digests(run + "/out").merging(digests(run + "/models")) { a, _ in a } == before)
    }

    @Test func aTokenizerNamedFromNoEarlierStepIsRefusedBeforeAnyWork() throws {
        let (spec, run) = try corpus(steps: "  - tokenize: {tokenizer: $train_tokenizr, path: out/tokens}")
        let result = try Sieve.run(["run", spec, "--run-dir", run])
        #expect(result.status != 0)
        #expect(result.stderr.contains("p.yaml:8:") && result.stderr.contains("'$train_tokenizr' names no earlier step"))
        #expect(!FileSystem.exists(run))

        let dry = try Sieve.run(["run", try corpus().spec, "--run-dir", run, "--tasks", "3", "--dry-run"])
        #expect(dry.stdout.contains("phase 02-train_tokenizer-train: 1 tasks"))
        #expect(dry.stdout.contains("phase 02-train_tokenizer-filter: 3 tasks"))
    }
}
