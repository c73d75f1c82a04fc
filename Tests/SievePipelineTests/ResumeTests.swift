import Foundation
import Testing
import SieveCore
import SieveIO
import SieveTestSupport

/// A run killed with SIGKILL at several moments inside one long input file resumes from its
/// last complete shard and ends with the outputs and stats of a run never killed.
@Suite(.serialized) struct ResumeTests {
    @Test func killedAtSeveralPointsInsideOneFileResumesToIdenticalOutputsAndStats() throws {
        let dir = try Fixtures.temporaryDirectory()
        // One long input: the crawl fixture twelve times (8,364 documents), two more files.
        var docs: [UInt8] = []
        let one = try Compression.open(Fixtures.path("jsonl/dolma-cc-2019-30.jsonl.gz")).readAll()
        for _ in 0..<12 { docs += one }
        try FileSystem.writeFile(dir + "/in-0-long.jsonl", docs)
        for name in ["ccnet-head-0091.jsonl.gz", "ccnet-head-0174.jsonl.gz"] {
            try FileSystem.writeFile(dir + "/in-1-" + name, try FileSystem.readFile(Fixtures.path("jsonl/" + name)))
        }
        let spec = """
            version: 1
            name: resume
            input: {format: jsonl, paths: ["\(dir)/in-*"]}
            steps:
              - pii: {}
              - length: {min_length: 200}
              - write: {path: out, format: jsonl.zst, max_shard_bytes: 256KB}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        #expect(try Sieve.run(["run", dir + "/p.yaml", "--run-dir", dir + "/reference"]).status == 0)
        let expected = try digests(dir + "/reference/out")
        let expectedStats = try FileSystem.readText(dir + "/reference/stats.json")
        #expect(expected.count > 60)

        let run = dir + "/killed"
        for killAt in [3, 25, 50] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Sieve.executable)
            process.arguments = ["run", dir + "/p.yaml", "--run-dir", run]
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while Date() < deadline, process.isRunning, ((try? FileSystem.list(run + "/out"))?.filter { !$0.hasPrefix(".") }.count ?? 0) < killAt {
                usleep(2_000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // Nothing partial under a final name: every visible shard reads back whole.
            for name in try FileSystem.list(run + "/out") where !name.hasPrefix(".") {
                #expect(throws: Never.self) { _ = try Compression.open(run + "/out/" + name).readAll() }
            }
        }
        let resumed = try Sieve.run(["run", dir + "/p.yaml", "--run-dir", run])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let log = try FileSystem.readText(run + "/logs/task_00000.log")
        #expect(log.contains("input 0: resuming after"))
        #expect(try digests(run + "/out") == expected)
        #expect(try FileSystem.readText(run + "/stats.json") == expectedStats)
    }
}
