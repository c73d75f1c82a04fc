import Foundation
import Testing
import SieveCore
import SieveIO

/// `sieve run` stopped by SIGINT/SIGTERM, by a file-size limit or by a full disk: a clear message,
/// nothing partial under a final name, and a resume that gives the same bytes as a run never
/// stopped. (SIGKILL: SievePipelineTests' `aRunKilledMidwayResumesToByteIdenticalOutputs`.)
@Suite("Interrupted runs", .serialized)
struct InterruptionTests {
    static let executable: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("sieve").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("sieve").path
    }()

    /// A pipeline over `count` copies of a real JSONL file; returns (spec, run directory).
    private func pipeline(_ name: String, inputs count: Int) throws -> (spec: String, run: String) {
        let dir = "/tmp/sieve-interrupt-\(getpid())-\(name)"
        try? FileSystem.removeTree(dir)
        try FileSystem.createDirectory(dir)
        let source = try FileSystem.readFile(fixture("jsonl/dolma-cc-2019-30.jsonl.gz"))
        for k in 0..<count { try FileSystem.writeFile(dir + "/in-\(k < 10 ? "0" : "")\(k).jsonl.gz", source) }
        let spec = """
            version: 1
            name: interrupted
            input: {format: jsonl, paths: ["\(dir)/in-*.jsonl.gz"]}
            steps:
              - write: {path: out, format: jsonl.zst, max_shard_bytes: 256KB}

            """
        try FileSystem.writeFile(dir + "/p.yaml", Array(spec.utf8))
        return (dir + "/p.yaml", dir + "/run")
    }

    /// Runs `command` (sieve's arguments, or a shell line) and returns (status, stderr).
    @discardableResult
    private func sieve(_ arguments: [String], shellPrefix: String? = nil, signal: Int32? = nil, when ready: ((Process) -> Bool)? = nil) throws -> (Int32, String) {
        let process = Process()
        if let shellPrefix {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shellPrefix + " exec \"$0\" \"$@\"", Self.executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.executable)
            process.arguments = arguments
        }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        if let signal, let ready {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, process.isRunning, !ready(process) { usleep(5_000) }
            kill(process.processIdentifier, signal)
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// name → SHA-256 of every file under `dir` (temporary files included, so they show).
    private func digests(_ dir: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileSystem.list(dir) { out[name] = SHA256.hex(of: try FileSystem.readFile(dir + "/" + name)) }
        return out
    }

    private func completions(_ run: String) -> Int { (try? FileSystem.list(run + "/completions").count) ?? 0 }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsAtABatchAndTheRunResumes(signal: Int32) throws {
        let (spec, run) = try pipeline("signal\(signal)", inputs: 10)
        try sieve(["run", spec, "--run-dir", run + "-reference", "--tasks", "10"])
        let (status, stderr) = try sieve(["run", spec, "--run-dir", run, "--tasks", "10"], signal: signal) { _ in completions(run) >= 1 }
        let done = completions(run)
        try #require(done < 10, "the run finished before the signal; the test proves nothing")
        #expect(status != 0)
        #expect(stderr.contains("stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM")"), "\(stderr)")
        #expect(stderr.contains("run the same command again to resume"))
        #expect(try FileSystem.list(run + "/out").allSatisfy { !$0.hasSuffix(".tmp") })
        let (resumed, log) = try sieve(["run", spec, "--run-dir", run, "--tasks", "10", "--workers", "2"])
        #expect(resumed == 0, "\(log)")
        #expect(try digests(run + "/out") == digests(run + "-reference/out"))
    }

    @Test func aFullDiskIsAClearErrorAndTheRunResumes() throws {
        let (spec, run) = try pipeline("disk", inputs: 3)
        try sieve(["run", spec, "--run-dir", run + "-reference", "--tasks", "3"])
        // A file-size limit (ulimit -f, in 512- or 1024-byte blocks) makes every write past
        // 50 KiB (or 100) fail with EFBIG, as a full disk fails with ENOSPC.
        let (status, stderr) = try sieve(["run", spec, "--run-dir", run, "--tasks", "3"], shellPrefix: "ulimit -f 100;")
        #expect(status != 0)
        let logs = try FileSystem.list(run + "/logs").map { try FileSystem.readText(run + "/logs/" + $0) }.joined()
        #expect(logs.contains("File too large"), "\(stderr)\n\(logs)")
        #expect(stderr.contains("run the same command again to resume"))
        // Nothing partial under a final name: whatever is there decodes to its end.
        for name in (try? FileSystem.list(run + "/out")) ?? [] {
            #expect(!name.hasSuffix(".tmp"))
            _ = try Compression.open(run + "/out/" + name).readAll()
        }
        let (resumed, log) = try sieve(["run", spec, "--run-dir", run, "--tasks", "3"])
        #expect(resumed == 0, "\(log)")
        #expect(try digests(run + "/out") == digests(run + "-reference/out"))
    }

    /// Whether this process can mount a tmpfs in a mount namespace of its own (`unshare -rm`:
    /// root, or a user namespace where unprivileged ones are allowed).
    static let canMountTmpfs: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/bin/sh")
        probe.arguments = ["-c", "d=$(mktemp -d) && unshare -rm mount -t tmpfs -o size=64k tmpfs \"$d\"; s=$?; rmdir \"$d\"; exit $s"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// A real full disk: the run directory on a 1.5 MB tmpfs (in a private mount namespace, so
    /// nothing outlives the test), too small for the run's 3.7 MB of shards. The run fails with
    /// ENOSPC; the tmpfs is then enlarged (space freed) and the same command resumes.
    @Test(.enabled(if: canMountTmpfs, "needs to mount a tmpfs: root or unprivileged user namespaces (unshare -rm)"))
    func aFullDiskDuringAWriteIsAClearErrorAndTheRunResumes() throws {
        let (spec, run) = try pipeline("enospc", inputs: 3)
        try sieve(["run", spec, "--run-dir", run + "-reference", "--tasks", "3"])
        let disk = run + "-disk", after = run + "-after-failure"
        try FileSystem.createDirectory(disk)
        // One shell in one mount namespace: fill, keep what the failed run left, enlarge, resume.
        let script = """
            set -u
            mount -t tmpfs -o size=1500k tmpfs "$1" || exit 90
            "$0" run "$2" --run-dir "$1/run" --tasks 3 2>"$1.failed.log"; echo $? >"$1.failed.status"
            cp -a "$1/run" "$3"
            mount -o remount,size=64m "$1"
            "$0" run "$2" --run-dir "$1/run" --tasks 3 2>"$1.resumed.log"; echo $? >"$1.resumed.status"
            cp -a "$1/run/out" "$3.resumed"
            """
        let (status, stderr) = try sieve([disk, spec, after], shellPrefix: "exec unshare -rm /bin/sh -c '\(script)' \"$0\" \"$@\"; ")
        #expect(status == 0, "\(stderr)")
        let failed = try FileSystem.readText(disk + ".failed.log")
        #expect(try FileSystem.readText(disk + ".failed.status") != "0\n", "the run did not fill the disk: \(failed)")
        #expect(failed.contains("No space left on device"), "\(failed)")
        #expect(failed.contains("run the same command again to resume"), "\(failed)")
        // Nothing partial under a final name: no temporary file is left, every shard decodes to its end.
        let left = (try? FileSystem.list(after + "/out")) ?? []
        #expect(left.count < 42, "some shards must be missing after a full disk")
        for name in left {
            #expect(!name.hasSuffix(".tmp"))
            _ = try Compression.open(after + "/out/" + name).readAll()
        }
        let resumed = try FileSystem.readText(disk + ".resumed.log")
        #expect(try FileSystem.readText(disk + ".resumed.status") == "0\n", "\(resumed)")
        #expect(try digests(after + ".resumed") == digests(run + "-reference/out"))
    }
}
