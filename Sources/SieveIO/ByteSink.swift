#if canImport(Glibc)
import Glibc
#endif
import SieveCore

/// A destination of bytes: a file being written, or a compressor in front of one.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Flushes and completes the output (for a file: renames it to its final name).
    func close() throws
    /// Gives up: the output never appears under its final name.
    func abandon()
}

/// A file written under a temporary name (`.NAME.tmp` beside it) and renamed when closed, so a
/// reader never sees a partial file and a killed run leaves nothing that looks complete.
public final class AtomicFileSink: ByteSink {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32

    public init(path: String) throws {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporaryPath = directory + "/." + name + ".tmp"
        try FileSystem.createDirectory(directory)
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SieveError.io(path: temporaryPath, message: String(cString: strerror(errno))) }
    }

    deinit { if fd >= 0 { abandon() } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw SieveError.io(path: temporaryPath, message: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    public func close() throws {
        guard fd >= 0 else { return }
        let status = Glibc.close(fd)
        fd = -1
        guard status == 0 else { throw SieveError.io(path: temporaryPath, message: String(cString: strerror(errno))) }
        guard rename(temporaryPath, path) == 0 else {
            throw SieveError.io(path: path, message: String(cString: strerror(errno)))
        }
    }

    public func abandon() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
        unlink(temporaryPath)
    }
}

/// Standard output, for NDJSON between pipe stages.
public final class StandardOutputSink: ByteSink {
    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw BrokenPipe() }
                throw SieveError.io(path: "<stdout>", message: String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    public func close() throws {}
    public func abandon() {}
}

/// The reader downstream went away: a pipe stage ends quietly.
public struct BrokenPipe: Error {}

