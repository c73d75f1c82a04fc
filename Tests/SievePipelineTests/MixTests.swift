import Foundation
import Testing
import SieveCore
import SieveIO
import SievePipeline
import SieveTestSupport

/// `mix` on three real sources: Common Crawl pages (dolma), Gutenberg book chunks, Wikipedia.
@Suite(.serialized) struct MixTests {
    static let sources = ["web=0.5@fixtures/jsonl/dolma-cc-2019-30.jsonl.gz", "books=0.3@fixtures/scorer/gutenberg-chunks.jsonl.gz",
                          "wiki=0.2@fixtures/scorer/wiki-en.jsonl.gz"]

    /// `sieve mix DIR --source … ARGS`; returns the directory.
    func mix(_ arguments: [String], sources: [String] = sources, name: String = #function) throws -> String {
        let dir = try Fixtures.temporaryDirectory(name) + "/out"
        let result = try Sieve.run(["mix", dir] + sources.flatMap { ["--source", $0] } + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return dir
    }

    func manifestSources(_ dir: String) throws -> [String: JSONObject] {
        let sources = try jsonObject(dir + "/mixture.json")["sources"]!.arrayValue!.map { $0.objectValue! }
        return Dictionary(uniqueKeysWithValues: sources.map { ($0["name"]!.stringValue!, $0) })
    }

    func count(_ object: JSONObject, _ key: String, _ unit: String) -> Int { object[key]!.objectValue![unit]!.intValue! }

    @Test func weightsAreRealisedByDownAndUpSampling() throws {
        // 1000 documents: web 500 of 697 (sampled), books 300 of 240 (1.25×), wiki 200 of 101 (1.98×).
        let dir = try mix(["--total", "1000", "--seed", "3"])
        let manifest = try manifestSources(dir)
        let docs = try shardDocuments(in: dir)
        for (name, target, available) in [("web", 500, 697), ("books", 300, 240), ("wiki", 200, 101)] {
            let source = manifest[name]!
            #expect(count(source, "available", "docs") == available)
            #expect(abs(count(source, "realised", "docs") - target) <= 1, "\(name): \(source)")
            #expect(abs(source["realised_weight"]!.doubleValue! - source["requested_weight"]!.doubleValue!) < 0.002)
            // The manifest is what the shards hold.
            let written = docs.filter { $0.metadata["mix_source"]?.stringValue == name }
            #expect(written.count == count(source, "realised", "docs"))
            var copies: [String: Int] = [:]
            for doc in written { copies[doc.id, default: 0] += 1 }
            let extra = source["repetitions"]!.objectValue!["extra_copies"]!.intValue!
            #expect(copies.values.reduce(0) { $0 + $1 - 1 } == extra)
            if target >= available {
                // Up-sampled: every document at least once, none more than twice.
                #expect(copies.count == available && copies.values.allSatisfy { (1...2).contains($0) })
            } else {
                #expect(extra == 0 && copies.count == written.count)
            }
        }
    }

    @Test func sameSeedGivesSameBytesAnotherSeedAnotherSample() throws {
        let a = try mix(["--total", "600", "--seed", "11"], name: "seedA")
        let b = try mix(["--total", "600", "--seed", "11"], name: "seedB")
        let c = try mix(["--total", "600", "--seed", "12"], name: "seedC")
        #expect(try FileSystem.readFile(a + "/part_00000.jsonl.zst") == FileSystem.readFile(b + "/part_00000.jsonl.zst"))
        let idsA = try shardDocuments(in: a).map(\.id), idsC = try shardDocuments(in: c).map(\.id)
        #expect(idsA != idsC)
        #expect(abs(idsA.count - idsC.count) <= 3)
    }

    @Test func budgetsInBytes() throws {
        // web down to 1 MiB, books up to 600 KiB (of 514 KiB), wiki 100 KiB.
        let dir = try mix(["--budgets", "--unit", "bytes", "--seed", "5"],
                          sources: ["web=1MB@fixtures/jsonl/dolma-cc-2019-30.jsonl.gz", "books=600KB@fixtures/scorer/gutenberg-chunks.jsonl.gz",
                                    "wiki=100KB@fixtures/scorer/wiki-en.jsonl.gz"])
        let manifest = try manifestSources(dir)
        let largest = ["web": 60_000, "books": 5_000, "wiki": 20_000]  // about the largest document of each
        for (name, budget) in [("web", 1 << 20), ("books", 600 << 10), ("wiki", 100 << 10)] {
            let realised = count(manifest[name]!, "realised", "bytes")
            #expect(abs(realised - budget) <= largest[name]!, "\(name): \(realised) for \(budget)")
        }
        let written = try shardDocuments(in: dir).filter { $0.metadata["mix_source"]?.stringValue == "books" }
        #expect(written.reduce(0) { $0 + $1.text.utf8.count } == count(manifest["books"]!, "realised", "bytes"))
    }

    @Test func budgetErrorsAreReported() throws {
        let dir = try Fixtures.temporaryDirectory()
        // books would need 12.5 copies of its 240 chunks.
        var result = try Sieve.run(["mix", dir + "/a", "--total", "10000"] + Self.sources.flatMap { ["--source", $0] })
        #expect(result.status != 0)
        #expect(result.stderr.contains("'books' would need 12.5×") && result.stderr.contains("max_repeat 10"), "\(result.stderr)")
        result = try Sieve.run(["mix", dir + "/b", "--source", "web=0.5@fixtures/jsonl/dolma-cc-2019-30.jsonl.gz",
                                 "--source", "wiki=0.4@fixtures/scorer/wiki-en.jsonl.gz"])
        #expect(result.status != 0 && result.stderr.contains("weights sum to 0.9"), "\(result.stderr)")
        // In a pipeline file: the place of the mistake, before any work.
        let spec = """
            version: 1
            name: bad-mix
            input: {format: jsonl, provenance: true, paths: ["fixtures/scorer/wiki-en.jsonl.gz"]}
            steps:
              - mix:
                  sources:
                    wiki: {match: "*wiki*", share: 1}
              - write: {path: out}

            """
        try FileSystem.writeFile(dir + "/bad.yaml", Array(spec.utf8))
        result = try Sieve.run(["run", dir + "/bad.yaml", "--run-dir", dir + "/run", "--dry-run"])
        #expect(result.status != 0 && result.stderr.contains("bad.yaml:7") && result.stderr.contains("share"), "\(result.stderr)")
        #expect(!FileSystem.exists(dir + "/run/out"))
    }

    @Test func pipelineGivesTheSameOutputFor1And3Tasks() throws {
        let dir = try Fixtures.temporaryDirectory()
        var outputs: [[String: String]] = []
        for tasks in [1, 3] {
            let result = try Sieve.run(["run", "pipelines/mix.yaml", "--run-dir", dir + "/run\(tasks)", "--tasks", "\(tasks)", "--workers", "2"])
            #expect(result.status == 0, "\(result.stderr)")
            var digests: [String: String] = [:]
            for name in try FileSystem.list(dir + "/run\(tasks)/out/mixed") {
                digests[name] = SHA256.hex(of: try FileSystem.readFile(dir + "/run\(tasks)/out/mixed/" + name))
            }
            outputs.append(digests)
        }
        #expect(outputs[0].count == 4 && outputs[0] == outputs[1])
        // 60/25/15 of 300k tokens, each within about one document of its share.
        let manifest = try manifestSources(dir + "/run3/out/mixed")
        let docs = try shardDocuments(in: dir + "/run3/out/mixed")
        for (name, weight) in [("web", 0.6), ("books", 0.25), ("wiki", 0.15)] {
            #expect(abs(Double(count(manifest[name]!, "realised", "tokens")) - weight * 300_000) < 6_000, "\(name)")
            #expect(docs.filter { $0.metadata["mix_source"]?.stringValue == name }.count == count(manifest[name]!, "realised", "docs"))
        }
    }

    @Test func shellStageSamplesAsTheVerbDoes() throws {
        let dir = try mix(["--total", "400", "--seed", "9"])
        let result = try Sieve.run([], shell: """
            sieve read jsonl --provenance true fixtures/jsonl/dolma-cc-2019-30.jsonl.gz fixtures/scorer/gutenberg-chunks.jsonl.gz \
              fixtures/scorer/wiki-en.jsonl.gz | sieve filter mix --total 400 --seed 9 \
              --sources 'web=0.5@*dolma*,books=0.3@*gutenberg*,wiki=0.2@*wiki-en*' --manifest \(dir)/../shell.json
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let piped = try result.stdout.split(separator: "\n").map { try NDJSON.decode(String($0)) }
        #expect(piped.map(\.id).sorted() == (try shardDocuments(in: dir).map(\.id).sorted()))
        #expect(FileSystem.exists(dir + "/../shell.json"))
    }

    @Test func planChecksAmounts() throws {
        var plan = MixPlan(sources: [.init(name: "a", match: ["a"], amount: 0.7), .init(name: "a", match: ["b"], amount: 0.3)])
        #expect(throws: SieveError.self) { try MixCorpusStage(plan: plan, manifest: "/dev/null") }
        plan.sources[1].name = "b"
        plan.unit = .tokens
        #expect(throws: SieveError.self) { try MixCorpusStage(plan: plan, manifest: "/dev/null") }
        plan.unit = .docs
        #expect(MixPlan.Source(compact: "web=0.25@a/*.gz|b/*.zst")?.match == ["a/*.gz", "b/*.zst"])
        #expect(MixPlan.Source(compact: "web=2MB")?.amount == 2_097_152)
        #expect(MixPlan.Source(compact: "web") == nil)
    }
}

/// A mix run killed in its sampling phase resumes from its last complete shard to the outputs and
/// stats of a run never killed (the sampler is an `IndependentStage`).
@Suite(.serialized) struct MixResumeTests {
    @Test func killedWhileSamplingResumesToIdenticalOutputs() throws {
        let dir = try Fixtures.temporaryDirectory()
        let one = try Compression.open(Fixtures.path("jsonl/dolma-cc-2019-30.jsonl.gz")).readAll()
        try FileSystem.writeFile(dir + "/web.jsonl", one + one + one)  // the same ids thrice: the same draws
        try FileSystem.writeFile(dir + "/wiki.jsonl.gz", try FileSystem.readFile(Fixtures.path("scorer/wiki-en.jsonl.gz")))
        let spec = """
            version: 1
            name: mix-resume
            input: {format: jsonl, provenance: true, paths: ["\(dir)/web.jsonl", "\(dir)/wiki.jsonl.gz"]}
            steps:
              - mix: {sources: ["web=0.7@*web.jsonl", "wiki=0.3@*wiki.jsonl.gz"], unit: bytes, total: 8MB, seed: 2}
              - write: {path: out, format: jsonl.zst, max_shard_bytes: 128KB}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        #expect(try Sieve.run(["run", dir + "/p.yaml", "--run-dir", dir + "/reference"]).status == 0)
        let expected = try FileSystem.list(dir + "/reference/out").map { try ($0, FileSystem.readFile(dir + "/reference/out/" + $0)) }
        #expect(expected.count > 40)

        let run = dir + "/killed"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sieve.executable)
        process.arguments = ["run", dir + "/p.yaml", "--run-dir", run]
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning, ((try? FileSystem.list(run + "/out"))?.filter { !$0.hasPrefix(".") }.count ?? 0) < 15 { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let resumed = try Sieve.run(["run", dir + "/p.yaml", "--run-dir", run])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try FileSystem.readText(run + "/logs/00-mix-filter_task_00000.log").contains("input 0: resuming after"))
        #expect(try FileSystem.list(run + "/out").map { try ($0, FileSystem.readFile(run + "/out/" + $0)) }.elementsEqual(expected) { $0 == $1 })
        #expect(try FileSystem.readText(run + "/stats.json") == FileSystem.readText(dir + "/reference/stats.json"))
    }
}
