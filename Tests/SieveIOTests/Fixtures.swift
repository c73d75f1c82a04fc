import SieveCore

/// Paths of the bundled fixtures, found from this source file (tests may run from any directory).
enum Fixtures {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/<Target>/<File>.swift
        return parts.joined(separator: "/") + "/fixtures"
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// A fresh empty directory under /tmp.
    static func temporaryDirectory(_ name: String = #function) throws -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = "/tmp/sieve-tests/\(safe)-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(dir)
        return dir
    }
}
