import Foundation
import Testing
import SieveCore
import SieveIO
import SieveTestSupport

/// Runs with corpus-wide dedup steps: phases with barriers, the same kept set for any number of
/// tasks, resume after a kill in a later phase.
@Suite(.serialized) struct DedupRunTests {
    /// Ten input files dealing out the documents of the dolma fixture and the licence texts
    /// (near-duplicates across files); returns (spec path, run dir prefix).
    func corpus(steps: String = "  - dedup_exact: {partitions: 2}\n  - dedup_minhash: {metadata: true, mem: 64KB}\n  - dedup_lines: {min_words: 20, partitions: 3}\n") throws -> (spec: String, run: String) {
        let dir = try Fixtures.temporaryDirectory()
        var docs: [Document] = []
        var reader = JSONLReader()
        docs += try reader.readAll(Fixtures.path("jsonl/dolma-cc-2019-30.jsonl.gz")).documents.prefix(250)
        docs += try reader.readAll(Fixtures.path("dedup/licenses.jsonl")).documents
        try Fixtures.writeInputFiles(docs, files: 10, in: dir)
        let spec = """
            version: 1
            name: dedup
            input: {format: jsonl, paths: ["\(dir)/in-*.jsonl"]}
            steps:
            \(steps)  - write: {path: out, format: jsonl.zst}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        return (dir + "/p.yaml", dir + "/run")
    }

    @Test func keptSetsAreByteIdenticalFor1And3And8Tasks() throws {
        let (spec, run) = try corpus()
        var outputs: [[String: String]] = []
        for tasks in [1, 3, 8] {
            let result = try Sieve.run(["run", spec, "--run-dir", run + "\(tasks)", "--tasks", "\(tasks)", "--workers", "2"])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try digests(run + "\(tasks)/out"))
        }
        #expect(outputs[0].count == 10)
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])

        let stats = try JSONParser.parse(try FileSystem.readText(run + "8/stats.json")).objectValue!
        let steps = stats["steps"]!.arrayValue!.map { $0.objectValue!["counters"]!.objectValue! }
        #expect(stats["phases"]!.arrayValue!.count == 8)
        // The byte-identical Apache licences (and the dolma fixture's repeats) go at the exact step,
        // the rest of the licence clusters at the MinHash step.
        #expect(steps[1]["dropped_duplicate"] != nil)
        #expect(steps[2]["clusters"] != nil && steps[2]["dropped_duplicate"] != nil)
        #expect(steps[4]["forwarded"] == steps[3]["forwarded"])
        // A cluster's survivor is its smallest (input file, position): licence-k sits in file
        // (250 + k) mod 10, after that file's dolma documents and the earlier licences.
        var kept: [Document] = []
        var reader = JSONLReader()
        for name in try FileSystem.list(run + "8/out") { kept += try reader.readAll(run + "8/out/" + name).documents }
        let licences = Set(kept.map(\.id).filter { $0.hasPrefix("licence-") })
        let clusters = [[0, 1, 4, 8, 9, 11, 13, 14], [2, 6, 7, 12], [5, 15], [3], [10], [16]]
        let survivors = clusters.map { $0.min { ((250 + $0) % 10, $0) < ((250 + $1) % 10, $1) }! }
        #expect(licences == Set(survivors.map { "licence-" + zeroPadded($0, 2) }))
    }

    @Test func aRunKilledInALaterPhaseResumesToIdenticalOutputs() throws {
        let (spec, run) = try corpus()
        let reference = run + "-reference"
        #expect(try Sieve.run(["run", spec, "--run-dir", reference, "--tasks", "4"]).status == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sieve.executable)
        process.arguments = ["run", spec, "--run-dir", run, "--tasks", "4"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it inside the MinHash bucket phase (the fourth of eight).
        let deadline = Date().addingTimeInterval(120)
        func buckets() -> Int { ((try? FileSystem.list(run + "/completions")) ?? []).count { $0.hasPrefix("01-dedup_minhash-buckets") } }
        while Date() < deadline, buckets() < 2 { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = try FileSystem.list(run + "/completions").count
        #expect(buckets() >= 2)
        #expect(!FileSystem.exists(run + "/completions/01-dedup_minhash-clusters_task_00000"), "killed too late; the test proves nothing")

        let resumed = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "4", "--workers", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming: \(done) of"))
        #expect(try digests(run + "/out") == digests(reference + "/out"))
        #expect(try FileSystem.readText(run + "/stats.json") == FileSystem.readText(reference + "/stats.json"))
    }

    @Test func aDamagedIntermediateFileFailsThePhaseWithItsName() throws {
        let (spec, run) = try corpus(steps: "  - dedup_minhash: {}\n")
        #expect(try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "2"]).status == 0)
        // Truncate one band file, forget that phase was done, and resume.
        let band = run + "/work/00-dedup_minhash/bands/p03"
        let victim = band + "/" + (try FileSystem.list(band).first!)
        let bytes = try FileSystem.readFile(victim)
        try FileSystem.writeFile(victim, bytes.prefix(bytes.count - 7))
        FileSystem.remove(run + "/completions/00-dedup_minhash-buckets_task_00003")
        let result = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "2"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("00-dedup_minhash-buckets task 3 failed"))
        #expect(try FileSystem.readText(run + "/logs/00-dedup_minhash-buckets_task_00003.log").contains("truncated or damaged"))
    }

    @Test func dryRunListsPhasesWithTheirTasks() throws {
        let (spec, run) = try corpus(steps: "  - dedup_minhash: {}\n")
        let result = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "3", "--dry-run"])
        #expect(result.stdout.contains("phase map: 3 tasks"))
        #expect(result.stdout.contains("phase 00-dedup_minhash-buckets: 14 tasks"))
        #expect(result.stdout.contains("phase 00-dedup_minhash-clusters: 1 tasks"))
        #expect(result.stdout.contains("phase 00-dedup_minhash-filter: 3 tasks"))
        #expect(!FileSystem.exists(run))
    }

    @Test func dedupWorksAsAShellStage() throws {
        let result = try Sieve.run([], shell: "sieve read jsonl fixtures/dedup/licenses.jsonl | sieve dedup minhash | sieve dedup exact --field id")
        #expect(result.status == 0, "\(result.stderr)")
        let ids = result.stdout.split(separator: "\n").map { try! NDJSON.decode(String($0)).id }
        #expect(ids == ["licence-00", "licence-02", "licence-03", "licence-05", "licence-10", "licence-16"])
    }
}
