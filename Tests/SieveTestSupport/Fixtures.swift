import SieveCore
import SieveIO

/// Paths of the bundled fixtures, found from this source file (tests may run from any
/// directory), shared by the test targets.
public enum Fixtures {
    public static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/SieveTestSupport/Fixtures.swift
        return parts.joined(separator: "/") + "/fixtures"
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The documents of a JSONL fixture (any compression).
    public static func documents(_ relative: String) throws -> [Document] { try documents(at: path(relative)) }

    public static func documents(at path: String) throws -> [Document] {
        var reader = JSONLReader()
        return try reader.readAll(path).documents
    }

    /// A fresh empty directory under /tmp.
    public static func temporaryDirectory(_ name: String = #function) throws -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = "/tmp/sieve-tests/\(safe)-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(dir)
        return dir
    }

    /// Writes `docs` round-robin into `files` input files `DIR/in-K.jsonl` (document n to file
    /// n mod `files`), the shape of a multi-file corpus that runs split into tasks.
    public static func writeInputFiles(_ docs: some Sequence<Document>, files: Int, in directory: String) throws {
        var buffers = [[UInt8]](repeating: [], count: files)
        for (n, doc) in docs.enumerated() { NDJSON.encode(doc, to: &buffers[n % files]) }
        for (k, bytes) in buffers.enumerated() { try FileSystem.writeFile(directory + "/in-\(k).jsonl", bytes) }
    }
}
