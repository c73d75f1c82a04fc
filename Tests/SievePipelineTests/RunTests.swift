import Foundation
import Testing
import SieveCore
import SieveIO
import SieveTestSupport

/// `sieve run` end to end, through the built executable (tasks are child processes).
@Suite(.serialized) struct RunTests {
    /// Writes a pipeline over `inputs` into a fresh directory; returns (spec path, run dir).
    func pipeline(_ inputs: [String], extra: String = "") throws -> (spec: String, run: String) {
        let dir = try Fixtures.temporaryDirectory()
        let spec = """
            version: 1
            name: test
            input: {format: jsonl, paths: [\(inputs.map { "\"\($0)\"" }.joined(separator: ", "))]}
            steps:
              - write: {path: out, format: jsonl.zst, max_shard_bytes: 256KB\(extra)}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        return (dir + "/p.yaml", dir + "/run")
    }

    @Test func aSecondRunDoesNoWork() throws {
        let (spec, run) = try pipeline([Fixtures.path("jsonl/*.json*.gz")])
        let first = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "2", "--workers", "2"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("write: \(run)/out"))
        #expect(first.stderr.contains("727 documents read (3.1 MB), 727 passed the last step, write"))
        let outputs = try digests(run + "/out")
        #expect(outputs.count >= 4)
        let stats = try JSONParser.parse(try FileSystem.readText(run + "/stats.json"))
        let write = stats.objectValue?["steps"]?.arrayValue?.last?.objectValue?["counters"]?.objectValue
        #expect(write?["forwarded"] == .number("727"))
        let second = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "2", "--workers", "2"])
        #expect(second.status == 0)
        #expect(second.stderr.contains("nothing to do"))
        #expect(try digests(run + "/out") == outputs)
    }

    @Test func outputsAreIdenticalForAnyNumberOfTasksAndWorkers() throws {
        let (spec, run) = try pipeline([Fixtures.path("jsonl/*.json*.gz")])
        try Sieve.run(["run", spec, "--run-dir", run + "1", "--tasks", "1"])
        try Sieve.run(["run", spec, "--run-dir", run + "3", "--tasks", "3", "--workers", "2"])
        let one = try digests(run + "1/out")
        #expect(!one.isEmpty)
        #expect(one == (try digests(run + "3/out")))
    }

    @Test func aRunKilledMidwayResumesToByteIdenticalOutputs() throws {
        // Twelve inputs of real documents, one per task, run one at a time.
        let dir = try Fixtures.temporaryDirectory()
        let source = try FileSystem.readFile(Fixtures.path("jsonl/dolma-cc-2019-30.jsonl.gz"))
        for k in 0..<12 { try FileSystem.writeFile(dir + "/in-\(zeroPadded(k, 2)).jsonl.gz", source) }
        let (spec, run) = try pipeline([dir + "/in-*.jsonl.gz"])
        let reference = run + "-reference"
        #expect(try Sieve.run(["run", spec, "--run-dir", reference, "--tasks", "12"]).status == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sieve.executable)
        process.arguments = ["run", spec, "--run-dir", run, "--tasks", "12"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once the first task is complete and before the last one is.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, (try? FileSystem.list(run + "/completions").count) ?? 0 < 1 { usleep(5_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let done = try FileSystem.list(run + "/completions").count
        #expect(done >= 1)
        #expect(done < 12, "the run finished before it could be killed; the test proves nothing")

        let resumed = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "12", "--workers", "2"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming: \(done) of 12"))
        #expect(try digests(run + "/out") == digests(reference + "/out"))
        #expect(try FileSystem.list(run + "/out").allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func aMalformedLineIsCountedAndLoggedWithItsLineNumber() throws {
        let (spec, run) = try pipeline([Fixtures.path("broken/malformed-lines.jsonl")])
        let result = try Sieve.run(["run", spec, "--run-dir", run])
        #expect(result.status == 0)
        let stats = try FileSystem.readText(run + "/stats.json")
        #expect(stats.contains(#""skipped_malformed_json":1"#))
        #expect(stats.contains(#""forwarded":10"#))
        let log = try FileSystem.readText(run + "/logs/task_00000.log")
        #expect(log.contains("malformed-lines.jsonl: line 4: malformed JSON"))
    }

    @Test func aChangedSpecIsRefusedUnlessAllowed() throws {
        let (spec, run) = try pipeline([Fixtures.path("jsonl/ccnet-*.jsonl.gz")])
        #expect(try Sieve.run(["run", spec, "--run-dir", run]).status == 0)
        try FileSystem.writeFile(spec, Array((try FileSystem.readText(spec)).replacingOccurrences(of: "256KB", with: "128KB").utf8))
        let refused = try Sieve.run(["run", spec, "--run-dir", run])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("the pipeline file changed since this run started"))
        #expect(try Sieve.run(["run", spec, "--run-dir", run, "--allow-changed-spec"]).status == 0)
    }

    @Test func mistakesAreOneLineBeforeAnyWork() throws {
        let (spec, run) = try pipeline([Fixtures.path("jsonl/ccnet-*.jsonl.gz")], extra: ", shard_size: 5")
        let result = try Sieve.run(["run", spec, "--run-dir", run])
        #expect(result.status != 0)
        #expect(result.stderr.contains("p.yaml:5:79: 'shard_size': unknown key for 'write'"))
        #expect(!FileSystem.exists(run))
    }

    @Test func dryRunPrintsThePlan() throws {
        let (spec, run) = try pipeline([Fixtures.path("jsonl/*.json*.gz")])
        let result = try Sieve.run(["run", spec, "--run-dir", run, "--tasks", "2", "--dry-run"])
        #expect(result.stdout.contains("tasks: 2"))
        #expect(result.stdout.contains("task 1 [pending]: 2 files"))
        #expect(!FileSystem.exists(run))
    }

    @Test func pipeStagesRoundTripEveryDocument() throws {
        let dir = try Fixtures.temporaryDirectory()
        let result = try Sieve.run([], shell: "sieve read jsonl 'fixtures/jsonl/*.gz' | sieve write \(dir) --format jsonl --max-shard-docs 100")
        #expect(result.status == 0, "\(result.stderr)")
        var reader = JSONLReader()
        var original: [Document] = []
        for path in try InputPaths.expand([Fixtures.path("jsonl/*.gz")]) { original += try reader.readAll(path).documents }
        var written: [Document] = []
        for name in try FileSystem.list(dir) { written += try reader.readAll(dir + "/" + name).documents }
        #expect(written.count == 727)
        #expect(written == original)
    }

    @Test func aBrokenPipeEndsAStageQuietly() throws {
        let result = try Sieve.run([], shell: "sieve read jsonl fixtures/jsonl/dolma-cc-2019-30.jsonl.gz | head -c 100 > /dev/null; echo ${PIPESTATUS:-ok}")
        #expect(result.status == 0)
        #expect(!result.stderr.contains("error"))
    }
}
