import SieveIO

/// Paths of the repository, found from this file's place.
enum Repo {
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func fixture(_ path: String) -> String { root + "/fixtures/" + path }

    /// A fixture's bytes, decompressed by content.
    static func read(_ path: String) throws -> [UInt8] { try Compression.open(path).readAll() }
}
