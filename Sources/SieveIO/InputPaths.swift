#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// Turns what a user names as input into a sorted list of files: plain paths, glob patterns
/// (`dumps/*.warc.gz`), directories (every file below, recursively), list files (`@list.txt`,
/// one path or pattern per line, `#` comments) and `-` for standard input.
///
/// The order is bytewise by path, so task assignment (file i goes to task i mod N) is the same
/// on every machine.
public enum InputPaths {
    public static func expand(_ patterns: [String]) throws -> [String] {
        var files: [String] = []
        for pattern in patterns { try expand(pattern, into: &files) }
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }

    private static func expand(_ pattern: String, into files: inout [String]) throws {
        if pattern == "-" {
            files.append("-")
        } else if pattern.hasPrefix("@") {
            let listPath = String(pattern.dropFirst())
            let lines = try FileSystem.readText(listPath).split(whereSeparator: \.isNewline)
            for line in lines {
                let entry = line.trimmingSpaces
                if entry.isEmpty || entry.hasPrefix("#") { continue }
                try expand(entry, into: &files)
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
            for path in sorted(found) { try expand(path, into: &files) }
        } else if FileSystem.isDirectory(pattern) {
            for name in try FileSystem.list(pattern) where !name.hasPrefix(".") {
                try expand(pattern + "/" + name, into: &files)
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
