import SieveCore
import SieveIO

/// Paths of the bundled fixtures, found from this source file (tests may run from any directory).
enum Fixtures {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/<Target>/<File>.swift
        return parts.joined(separator: "/") + "/fixtures"
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func documents(_ relative: String) throws -> [Document] { try documents(at: path(relative)) }

    static func documents(at path: String) throws -> [Document] {
        var reader = JSONLReader()
        return try reader.readAll(path).documents
    }

    /// A fresh empty directory under /tmp.
    static func temporaryDirectory(_ name: String = #function) throws -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = "/tmp/sieve-tests/\(safe)-\(UInt32.random(in: 0...UInt32.max))"
        try FileSystem.createDirectory(dir)
        return dir
    }
}

/// Splits documents 80/20 by a hash of their id (a fixed, order-free split).
func split(_ docs: [Document]) -> (train: [Document], test: [Document]) {
    var train: [Document] = [], test: [Document] = []
    for doc in docs {
        let h = doc.id.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        if h % 5 == 0 { test.append(doc) } else { train.append(doc) }
    }
    return (train, test)
}
