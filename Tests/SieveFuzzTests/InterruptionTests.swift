import Foundation
import Testing
import SieveCore
import SieveIO

/// `sieve run` stopped by SIGINT/SIGTERM or by a full disk (a file-size limit): a clear message,
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
}
