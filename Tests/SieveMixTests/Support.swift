import Foundation
import SieveCore
import SieveIO

/// Paths of the bundled fixtures and the repository, found from this source file.
enum Repo {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/<Target>/<File>.swift
        return parts.joined(separator: "/")
    }()

    static func fixture(_ relative: String) -> String { root + "/fixtures/" + relative }

    /// A fresh empty directory under /tmp.
    static func temporaryDirectory(_ name: String = #function) throws -> String {
        let dir = "/tmp/sieve-tests/\(name.filter { $0.isLetter || $0.isNumber })-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(dir)
        return dir
    }

    /// The `sieve` built next to the test bundle.
    static func sieveExecutable() -> String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("sieve").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("sieve").path
    }

    /// Runs `sieve ARGS` (or a shell line, `sieve ` standing for it) in the repository root.
    @discardableResult
    static func sieve(_ arguments: [String], shell: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let executable = sieveExecutable()
        let process = Process()
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell.replacingOccurrences(of: "sieve ", with: executable + " ")]
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// Every document in the shards of `directory`, in file-name order.
    static func documents(in directory: String) throws -> [Document] {
        var docs: [Document] = []
        var reader = JSONLReader()
        for name in try FileSystem.list(directory) where name.hasSuffix(".jsonl.zst") { docs += try reader.readAll(directory + "/" + name).documents }
        return docs
    }

    static func json(_ path: String) throws -> JSONObject { try JSONParser.parse(try FileSystem.readText(path)).objectValue! }
}
