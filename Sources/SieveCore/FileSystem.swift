#if canImport(Glibc)
import Glibc
#endif

/// The few file-system calls Sieve needs, with errors that name the path.
public enum FileSystem {
    public static func createDirectory(_ path: String) throws {
        guard !path.isEmpty, !isDirectory(path) else { return }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !parent.isEmpty { try createDirectory(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw SieveError.io(path: path, message: String(cString: strerror(errno)))
        }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The working directory (relative paths of a run are taken from here, on every node).
    public static var currentDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        return getcwd(&buffer, buffer.count) != nil ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "."
    }

    public static func size(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    /// Names in a directory, sorted bytewise (deterministic across machines and locales).
    public static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Fails with the path and the system's reason unless the file can be read.
    public static func checkReadable(_ path: String) throws {
        guard access(path, R_OK) == 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
    }

    /// The whole file's bytes.
    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    public static func readText(_ path: String) throws -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }

    /// Writes a whole file atomically: to `.NAME.tmp` beside it, then renamed.
    public static func writeFile(_ path: String, _ bytes: some Collection<UInt8>) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let temporary = directory + "/." + (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".tmp"
        try createDirectory(directory)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SieveError.io(path: temporary, message: String(cString: strerror(errno))) }
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let n = array.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                unlink(temporary)
                throw SieveError.io(path: temporary, message: String(cString: strerror(errno)))
            }
            offset += n
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw SieveError.io(path: path, message: String(cString: strerror(errno))) }
    }

    public static func remove(_ path: String) { unlink(path) }

    /// Removes a directory tree (used for `--fresh` runs and tests).
    public static func removeTree(_ path: String) throws {
        if isDirectory(path) {
            for name in try list(path) { try removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
