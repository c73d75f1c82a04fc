import Foundation
import Testing
import SieveCore
import SieveTestSupport

/// Whether a Slurm cluster answers here (CI starts one with scripts/slurm-local up).
let slurmAvailable: Bool = {
    let probe = try? Sieve.run([], shell: "sinfo -h -o %T 2>/dev/null")
    let states = probe?.stdout ?? ""
    if probe?.status != 0 || !(states.contains("idle") || states.contains("mixed") || states.contains("alloc")) {
        print("Slurm is not available here (start it with scripts/slurm-local up): the Slurm tests are skipped")
        return false
    }
    return true
}()

/// `sieve run --executor slurm` on a real one-node cluster: a multi-phase pipeline with dedup gives
/// byte for byte what the local executor gives.
@Suite(.serialized, .enabled(if: slurmAvailable, "needs a Slurm cluster (scripts/slurm-local up)"))
struct SlurmTests {
    func pipeline() throws -> (spec: String, dir: String) {
        let dir = try Fixtures.temporaryDirectory()
        let spec = """
            version: 1
            name: slurm-test
            input: {format: jsonl, paths: ["\(Fixtures.path("jsonl/*.json*.gz"))"]}
            slurm: {time: "0:10:00", mem: 1G, sbatch: ["--nice=0"]}
            steps:
              - dedup_exact: {}
              - dedup_minhash: {}
              - write: {path: out, format: jsonl.zst, max_shard_bytes: 512KB}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        return (dir + "/p.yaml", dir)
    }

    @Test func jobArraysGiveTheLocalExecutorsOutputByteForByte() throws {
        let (spec, dir) = try pipeline()
        let local = try Sieve.run(["run", spec, "--run-dir", dir + "/local", "--tasks", "3", "--workers", "2"])
        #expect(local.status == 0, "\(local.stderr)")
        let slurm = try Sieve.run(["run", spec, "--run-dir", dir + "/slurm", "--tasks", "3", "--executor", "slurm", "--wait"])
        #expect(slurm.status == 0, "\(slurm.stderr)\n\(slurm.stdout)")
        #expect(slurm.stdout.contains("finished: stats.json is written"))
        #expect(slurm.stderr.contains("submitted 01-dedup_minhash-buckets"))
        let expected = try digests(dir + "/local/out")
        #expect(!expected.isEmpty)
        #expect(try digests(dir + "/slurm/out") == expected)
        // The scripts quote every path and carry the pipeline file's options.
        let script = try FileSystem.readText(dir + "/slurm/slurm/map-000000.sbatch")
        #expect(script.contains("#SBATCH --array=0-2"))
        #expect(script.contains("#SBATCH --mem='1G'"))
        #expect(script.contains("#SBATCH --nice=0"))
        #expect(script.contains("--run-dir '\(dir)/slurm'"))
        let status = try Sieve.run(["status", dir + "/slurm"])
        #expect(status.stdout.contains("map: 3/3 done"))
        #expect(status.stdout.contains("read so far: 727 documents"))
    }
}

/// `sieve run RUN --retry-failed` and `sieve status RUN` with the local executor.
@Suite struct RetryTests {
    @Test func retryRunsWhatIsMissingFromTheRunDirectoryAlone() throws {
        let dir = try Fixtures.temporaryDirectory()
        let spec = """
            version: 1
            name: retry
            input: {format: jsonl, paths: ["\(Fixtures.path("jsonl/*.json*.gz"))"]}
            steps:
              - dedup_exact: {}
              - write: {path: out, format: jsonl}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        #expect(try Sieve.run(["run", dir + "/p.yaml", "--run-dir", dir + "/run", "--tasks", "2"]).status == 0)
        let outputs = try digests(dir + "/run/out")
        // A task whose marker is gone (it failed, or was lost) shows as failed and is run again.
        let markers = try FileSystem.list(dir + "/run/completions").filter { $0.contains("filter") }
        FileSystem.remove(dir + "/run/completions/" + markers[0])
        FileSystem.remove(dir + "/run/stats.json")
        let status = try Sieve.run(["status", dir + "/run"])
        #expect(status.stdout.contains("1/2 done, 0 running, 0 waiting, 1 failed"))
        #expect(status.stdout.contains("not finished"))
        let retry = try Sieve.run(["run", dir + "/run", "--retry-failed"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(retry.stderr.contains("retrying: 1 tasks are not complete"))
        #expect(try digests(dir + "/run/out") == outputs)
        #expect(try Sieve.run(["status", dir + "/run"]).stdout.contains("finished: stats.json is written"))
    }
}
