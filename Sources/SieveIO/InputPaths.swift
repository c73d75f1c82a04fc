#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// Turns what a user names as input into a sorted list of files: plain paths, glob patterns
/// (`dumps/*.warc.gz`), directories (every file below, recursively), `http(s)://` URLs, list
/// files (`@list.txt`, one path, pattern or URL per line, `#` comments; the list itself may be
/// compressed or remote, like Common Crawl's `warc.paths.gz`) and `-` for standard input.
/// Relative entries of a list are taken relative to `baseURL` when one is given (Common Crawl's
/// paths files list `crawl-data/…` under `https://data.commoncrawl.org/`).
///
/// The order is bytewise by path, so task assignment (file i goes to task i mod N) is the same
/// on every machine.
public enum InputPaths {
    public static func expand(_ patterns: [String], baseURL: String? = nil) throws -> [String] {
        var files: [String] = []
        for pattern in patterns { try expand(pattern, baseURL: baseURL, into: &files) }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    private static func expand(_ pattern: String, baseURL: String?, into files: inout [String]) throws {
        if pattern == "-" || HTTPStream.isURL(pattern) {
            files.append(pattern)
        } else if pattern.hasPrefix("@") {
            let listPath = String(pattern.dropFirst())
            let lines = String(decoding: try Compression.open(listPath).readAll(), as: UTF8.self).split(whereSeparator: \.isNewline)
            for line in lines {
                let entry = line.trimmingSpaces
                if entry.isEmpty || entry.hasPrefix("#") { continue }
                if let baseURL, !entry.hasPrefix("/"), !HTTPStream.isURL(entry) {
                    files.append(baseURL.hasSuffix("/") ? baseURL + entry : baseURL + "/" + entry)
                } else {
                    try expand(entry, baseURL: nil, into: &files)
                }
            }
        } else if pattern.contains(where: { "*?[".contains($0) }) {
            var matches = glob_t()
            defer { globfree(&matches) }
            let status = glob(pattern, 0, nil, &matches)
            if status == GLOB_NOMATCH { throw SieveError.io(path: pattern, message: "no file matches this pattern") }
            guard status == 0 else { throw SieveError.io(path: pattern, message: "cannot expand this pattern") }
            var found: [String] = []
            for k in 0..<Int(matches.gl_pathc) {
                if let p = matches.gl_pathv[k] { found.append(String(cString: p)) }
            }
            for path in sorted(found) { try expand(path, baseURL: nil, into: &files) }
        } else if FileSystem.isDirectory(pattern) {
            for name in try FileSystem.list(pattern) where !name.hasPrefix(".") {
                try expand(pattern + "/" + name, baseURL: nil, into: &files)
            }
        } else {
            guard FileSystem.exists(pattern) else { throw SieveError.io(path: pattern, message: "no such file") }
            files.append(pattern)
        }
    }

    static func sorted(_ paths: [String]) -> [String] { paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
