import Foundation
import SieveCore
import SieveIO
import SieveTestSupport

/// Runs the `sieve` executable built next to the test bundle.
enum Sieve {
    static let executable: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = bundle
        // swift test runs …/debug/SievePackageTests.xctest; sieve sits in …/debug.
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("sieve").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("sieve").path
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `sieve ARGS` (or a shell line when `shell` is set) in the repository root.
    @discardableResult
    static func run(_ arguments: [String], shell: String? = nil) throws -> Output {
        let process = Process()
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell.replacingOccurrences(of: "sieve ", with: executable + " ")]
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.root).deletingLastPathComponent()
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// SHA-256 of every file below `directory` (relative path → digest), dot files excluded.
func digests(_ directory: String) throws -> [String: String] {
    var result: [String: String] = [:]
    let root = URL(fileURLWithPath: directory)
    let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
    for case let url as URL in files where !url.hasDirectoryPath && !url.lastPathComponent.hasPrefix(".") {
        result[String(url.path.dropFirst(root.path.count + 1))] = SHA256.hex(of: try FileSystem.readFile(url.path))
    }
    return result
}

/// Every document in the `.jsonl.zst` shards of `directory`, in file-name order.
func shardDocuments(in directory: String) throws -> [Document] {
    var docs: [Document] = []
    var reader = JSONLReader()
    for name in try FileSystem.list(directory) where name.hasSuffix(".jsonl.zst") { docs += try reader.readAll(directory + "/" + name).documents }
    return docs
}

func jsonObject(_ path: String) throws -> JSONObject { try JSONParser.parse(try FileSystem.readText(path)).objectValue! }
